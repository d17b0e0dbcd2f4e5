package dev.vnet.wire;

import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Which of the network's coordinator endpoints a client or an agent tries next, and how long it waits first.
 *
 * <ul>
 *   <li>A coordinator that does not lead and names the leader is followed almost at once, unless it names an
 *       endpoint that just refused us (a standby's view lags a dead leader by up to its retry interval).</li>
 *   <li>Otherwise the configured endpoints are tried in turn, one after the other without waiting; only when a
 *       whole round has failed does the exponential backoff apply.</li>
 *   <li>While a standby answers but nobody leads (an election is under way), retries stay short: a new leader is
 *       moments away.</li>
 *   <li>A stream that was established and then broke (UNAVAILABLE) is retried on the same endpoint first: a
 *       restarting coordinator comes back there. One that fell silent (DEADLINE_EXCEEDED) moves on, and that
 *       endpoint, like one that refused a connection, is not followed as a hint for a while: nobody is sent back
 *       to a leader that stopped answering. When it is the only other endpoint, the standby is asked again.</li>
 *   <li>A coordinator that names itself as the leader was elected and is restoring its registry: it is asked
 *       again shortly.</li>
 * </ul>
 * Thread-safe.
 */
public final class NetworkEndpoints {

    /** Delay before following a hint or trying the next endpoint of a round: enough that two confused replicas cannot spin anyone. */
    public static final long STEP_DELAY_MS = 20;
    /** Longest wait between tries while standbys answer but none leads. */
    static final long ELECTION_POLL_MS = 250;
    /** How long an endpoint that did not answer is not taken as a hint. */
    static final long UNREACHABLE_MS = 5_000;

    private final List<Endpoint> configured;
    private final Backoff backoff;
    private final LongSupplier clockMillis;
    private final Map<Endpoint, Long> unreachableAtMs = new HashMap<>();
    private int index;
    private Endpoint hinted;
    private int failedInRound;

    public NetworkEndpoints(List<Endpoint> configured, Duration maxBackoff) {
        this(configured, new Backoff(Duration.ofMillis(100), maxBackoff), System::currentTimeMillis);
    }

    NetworkEndpoints(List<Endpoint> configured, Backoff backoff, LongSupplier clockMillis) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("at least one network endpoint is needed");
        }
        this.configured = List.copyOf(configured);
        this.backoff = backoff;
        this.clockMillis = clockMillis;
    }

    public List<Endpoint> configured() {
        return configured;
    }

    /** The endpoint to try now. */
    public synchronized Endpoint current() {
        return hinted != null ? hinted : configured.get(index);
    }

    /** The attempt at {@code endpoint} succeeded (registered, welcomed): the next failure starts afresh. */
    public synchronized void established(Endpoint endpoint) {
        backoff.reset();
        failedInRound = 0;
        unreachableAtMs.remove(endpoint);
    }

    /**
     * The attempt at {@code endpoint} failed, or its stream ended.
     *
     * @param wasEstablished whether it had been established before it ended
     * @return how long to wait before trying {@link #current()}
     */
    public synchronized long failed(Endpoint endpoint, Throwable failure, boolean wasEstablished) {
        long now = clockMillis.getAsLong();
        LeaderHints.Hint hint = LeaderHints.from(failure);
        Status.Code code = Status.fromThrowable(failure).getCode();
        if (hint == null && (code == Status.Code.UNAVAILABLE && !wasEstablished || code == Status.Code.DEADLINE_EXCEEDED)) {
            // Refused, or did not answer in time / fell silent: a frozen leader is as good as gone for a while.
            unreachableAtMs.put(endpoint, now);
        }
        if (hint != null && hint.leader() != null && hint.leader().equals(endpoint)) {
            // It leads but is not ready yet (it is restoring its registry): ask it again shortly, nobody else.
            hinted = endpoint;
            return 1 + ThreadLocalRandom.current().nextLong(ELECTION_POLL_MS / 2);
        }
        if (hint != null && hint.leader() != null && !recentlyUnreachable(hint.leader(), now)) {
            passOver(endpoint);
            hinted = hint.leader();
            return STEP_DELAY_MS;
        }
        if (hint != null && !answeringElsewhere(endpoint, now)) {
            // It answers, and every other endpoint stopped answering (its hint, if any, names one of them: its view
            // lags): it is where the next leader will be; ask it again shortly instead of going back to the silent.
            hinted = endpoint;
            return 1 + ThreadLocalRandom.current().nextLong(ELECTION_POLL_MS);
        }
        if (wasEstablished && hint == null && Status.fromThrowable(failure).getCode() == Status.Code.UNAVAILABLE) {
            return 1 + ThreadLocalRandom.current().nextLong(STEP_DELAY_MS * 5);
        }
        if (endpoint.equals(hinted)) {
            hinted = null;
        }
        // A hinted endpoint may be a configured one too: the round goes on past it either way.
        passOver(endpoint);
        failedInRound++;
        long delay = failedInRound % configured.size() != 0 ? STEP_DELAY_MS : backoff.nextDelayMillis();
        return hint != null ? Math.min(delay, 1 + ThreadLocalRandom.current().nextLong(ELECTION_POLL_MS)) : delay;
    }

    /** The round goes on past {@code endpoint} when it is the configured one we are at. */
    private void passOver(Endpoint endpoint) {
        if (endpoint.equals(configured.get(index))) {
            index = (index + 1) % configured.size();
        }
    }

    /** Whether some configured endpoint other than {@code endpoint} has not recently failed to answer. */
    private boolean answeringElsewhere(Endpoint endpoint, long now) {
        for (Endpoint other : configured) {
            if (!other.equals(endpoint) && !recentlyUnreachable(other, now)) {
                return true;
            }
        }
        return false;
    }

    private boolean recentlyUnreachable(Endpoint endpoint, long now) {
        Long at = unreachableAtMs.get(endpoint);
        return at != null && now - at < UNREACHABLE_MS;
    }
}
