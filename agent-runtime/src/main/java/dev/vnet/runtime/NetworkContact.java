package dev.vnet.runtime;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the agent knows of its contact with the network: when it last heard from it, and whether it has been out of
 * touch for longer than the alive timeout since it last registered.
 *
 * <p>Out of touch is latched: once the agent has gone longer than the alive timeout without a frame from the
 * network — because the network fell silent, or because this process itself was frozen (SIGSTOP, a long GC pause:
 * it cannot tell) — the network may have declared it dead and moved its {@code ha} and stateless containers. Those
 * copies then stay fenced until the agent has registered again: the registration's acknowledgement lists the copies
 * that moved, and only after handling it does the agent serve them. Forgiving the process's own stall (so that a
 * short pause does not look like the network's silence) never lifts the fence.
 */
final class NetworkContact {

    private final LongSupplier nanos;
    private volatile long aliveTimeoutNanos = Duration.ofSeconds(3).toNanos();
    private volatile long lastNanos;
    private volatile boolean outOfTouch;

    /** @param nanos a monotonic clock ({@code System::nanoTime}) */
    NetworkContact(LongSupplier nanos) {
        this.nanos = nanos;
        this.lastNanos = nanos.getAsLong();
    }

    /** The alive timeout the network announced. */
    void aliveTimeout(Duration timeout) {
        aliveTimeoutNanos = timeout.toNanos();
    }

    /** A frame from the network arrived. If it comes after a silence longer than the alive timeout, that counts. */
    void heard() {
        long now = nanos.getAsLong();
        if (now - lastNanos > aliveTimeoutNanos) {
            outOfTouch = true;
        }
        lastNanos = now;
    }

    /** How long since the network was last heard from. */
    Duration silence() {
        return Duration.ofNanos(nanos.getAsLong() - lastNanos);
    }

    /** Whether the network has not been heard from for longer than the alive timeout (now). */
    boolean lost() {
        return nanos.getAsLong() - lastNanos > aliveTimeoutNanos;
    }

    /**
     * This process did not run for {@code stalledNanos}: what the network sent meanwhile still waits to be read, so
     * that time is not the network's silence. The fence, though, is set first if the silence had already passed
     * the alive timeout.
     */
    void forgive(long stalledNanos) {
        fenced();
        lastNanos += stalledNanos;
    }

    /** Whether copies the network may have moved must not serve: out of touch since the last registration. */
    boolean fenced() {
        if (!outOfTouch && lost()) {
            outOfTouch = true;
        }
        return outOfTouch;
    }

    /** The network accepted a registration and this agent handled its acknowledgement: in touch again. */
    void registered() {
        lastNanos = nanos.getAsLong();
        outOfTouch = false;
    }
}
