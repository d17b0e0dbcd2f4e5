package dev.vnet.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;

/**
 * Pays a JVM's one-time cost of the call path at start-up instead of on the first call. It is large: the first
 * message with a map field (every request carries its trace context in one) builds the protobuf descriptors of
 * the whole contract, about 110 ms here. A standby agent that takes over a stateless container serves its first
 * call only then, and the takeover gap (target 300 ms) would include it; so would the first request a newly elected
 * coordinator routes. (An agent also warms Jackson, which its containers' JSON needs: {@code Json.warmUp}.)
 */
public final class ColdStart {

    private ColdStart() {}

    /** Runs the costly first time once. Cheap when already done. */
    public static void warmUp() {
        try {
            RouteRequest.parseFrom(RouteRequest.newBuilder().putTraceContext("warm", "up").build().toByteString());
            RouteSend.parseFrom(RouteSend.newBuilder().putTraceContext("warm", "up").build().toByteString());
            ContainerRequest.parseFrom(ContainerRequest.newBuilder().putTraceContext("warm", "up").build()
                    .toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the vnet contract cannot read what it wrote", e);
        }
    }
}
