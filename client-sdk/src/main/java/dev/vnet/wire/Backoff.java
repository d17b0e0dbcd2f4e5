package dev.vnet.wire;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, for reconnect loops: many agents and clients that lost the same
 * coordinator must not all come back in the same millisecond.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    public Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** The wait before the next attempt: a random value up to min(max, initial * 2^attempt), at least 1 ms. */
    public long nextDelayMillis() {
        long ceiling = initialMillis << Math.min(attempt, 20);
        attempt++;
        ceiling = Math.min(maxMillis, ceiling);
        return 1 + ThreadLocalRandom.current().nextLong(ceiling);
    }

    /** Call after a success: the next failure starts from the initial delay again. */
    public void reset() {
        attempt = 0;
    }
}
