package dev.vnet.network.leader;

import dev.vnet.network.registry.Mandate;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The leader's lease as its own monotonic clock sees it. Each renewal (and the election) counts from the moment it
 * was sent, which is no later than the database's {@code now()} that the standbys measure the lease from: so a
 * leader's lease runs out by its own clock before any standby can find it expired, and a leader that was paused past
 * its lease stops acting before anyone else can win. While it is in doubt, the registry waits, the serving gate
 * refuses calls and the store writer writes nothing, until the election renews the lease or gives it up.
 *
 * <p>A leader that rides out a database outage with no standby to take over holds an unbounded lease: nobody can
 * replace it, so it goes on acting.
 */
public final class LeaderLease implements Mandate {

    private enum State { NONE, HELD, UNBOUNDED }

    private final long leaseNanos;
    private final LongSupplier nanoTime;
    private volatile State state = State.NONE;
    private volatile long validUntilNanos;

    public LeaderLease(Duration lease) {
        this(lease, System::nanoTime);
    }

    LeaderLease(Duration lease, LongSupplier nanoTime) {
        this.leaseNanos = lease.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The clock this lease is judged by; read it just before sending a renewal. */
    long now() {
        return nanoTime.getAsLong();
    }

    /** The election or a renewal sent at {@code sentAtNanos} (by {@link #now()}) succeeded. */
    synchronized void renewed(long sentAtNanos) {
        validUntilNanos = sentAtNanos + leaseNanos;
        state = State.HELD;
        notifyAll();
    }

    /** The lease cannot be renewed, but no replica could take over: this coordinator goes on acting. */
    synchronized void unbounded() {
        if (state != State.NONE) {
            state = State.UNBOUNDED;
            notifyAll();
        }
    }

    /** This coordinator no longer leads. */
    synchronized void released() {
        state = State.NONE;
        notifyAll();
    }

    @Override
    public boolean inDoubt() {
        return state == State.HELD && nanoTime.getAsLong() - validUntilNanos >= 0;
    }

    /** How long ago the lease ran out, in ms (0 when it has not). */
    public long overdueMillis() {
        long overdue = nanoTime.getAsLong() - validUntilNanos;
        return state == State.HELD && overdue > 0 ? overdue / 1_000_000 : 0;
    }

    @Override
    public synchronized void awaitSettled(long maxMillis) throws InterruptedException {
        if (inDoubt()) {
            wait(Math.max(1, maxMillis));
        }
    }
}
