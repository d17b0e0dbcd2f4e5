package dev.vnet.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vnet.client.Json;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;

/**
 * Pays a JVM's one-time costs of the call path at start-up instead of on the first call. They are large: the first
 * message with a map field (every request carries its trace context in one) builds the protobuf descriptors of
 * the whole contract, about 110 ms here, and the first JSON encode loads Jackson, about 150 ms more. A standby agent
 * that takes over a stateless container serves its first call only then, and the takeover gap (target 300 ms) would
 * include both; so would the first request a newly elected coordinator routes.
 */
public final class ColdStart {

    private ColdStart() {}

    /** Runs each costly first time once. Cheap when already done. */
    public static void warmUp() {
        try {
            RouteRequest.parseFrom(RouteRequest.newBuilder().putTraceContext("warm", "up").build().toByteString());
            RouteSend.parseFrom(RouteSend.newBuilder().putTraceContext("warm", "up").build().toByteString());
            ContainerRequest.parseFrom(ContainerRequest.newBuilder().putTraceContext("warm", "up").build()
                    .toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the vnet contract cannot read what it wrote", e);
        }
        Json.warmUp();
    }
}
