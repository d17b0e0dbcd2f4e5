package dev.vnet.wire;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * How a coordinator that does not lead turns callers away: an UNAVAILABLE status whose trailers say so and, when it
 * knows, where the leader is. Clients and agents follow the hint instead of trying endpoints blindly, and tell a
 * standby that answered apart from an endpoint that did not answer at all.
 */
public final class LeaderHints {

    /** Trailer present on every "not the leader" answer. */
    public static final Metadata.Key<String> NOT_LEADER =
            Metadata.Key.of("vnet-not-leader", Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer with the leader's {@code host:port}, when the coordinator knows it. */
    public static final Metadata.Key<String> LEADER = Metadata.Key.of("vnet-leader", Metadata.ASCII_STRING_MARSHALLER);

    /** A coordinator said it does not lead; {@code leader} is where it says the leader is, or null if it does not know. */
    public record Hint(Endpoint leader) {}

    private LeaderHints() {}

    /** Trailers for a "not the leader" answer that point at {@code leaderEndpoint} (when it is known). */
    public static Metadata trailers(String leaderEndpoint) {
        Metadata trailers = new Metadata();
        trailers.put(NOT_LEADER, "1");
        if (leaderEndpoint != null && !leaderEndpoint.isEmpty()) {
            trailers.put(LEADER, leaderEndpoint);
        }
        return trailers;
    }

    /** What a failure says about the leader, or null when it did not come from a coordinator that does not lead. */
    public static Hint from(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Metadata trailers = Status.trailersFromThrowable(failure);
        if (trailers == null || !trailers.containsKey(NOT_LEADER)) {
            return null;
        }
        String leader = trailers.get(LEADER);
        if (leader == null) {
            return new Hint(null);
        }
        try {
            return new Hint(Endpoint.parse(leader));
        } catch (IllegalArgumentException unreadable) {
            return new Hint(null);
        }
    }
}
