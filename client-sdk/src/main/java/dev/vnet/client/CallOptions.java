package dev.vnet.client;

import java.time.Duration;

/**
 * How to make one call: its timeout (the client's default when null) and whether it is idempotent, i.e. safe to
 * run twice, which lets the client retry it once when the agent that had it dies.
 */
public record CallOptions(Duration timeout, boolean idempotent) {

    public static final CallOptions DEFAULT = new CallOptions(null, false);

    public static CallOptions timeout(Duration timeout) {
        return new CallOptions(timeout, false);
    }

    public CallOptions withIdempotent() {
        return new CallOptions(timeout, true);
    }

    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(timeout, idempotent);
    }
}
