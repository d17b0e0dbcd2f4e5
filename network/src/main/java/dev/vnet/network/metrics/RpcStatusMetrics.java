package dev.vnet.network.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code vnet_rpc_errors_total}: calls of the gRPC API that ended with an error, by method and status (refused
 * input, denied, not the leader, ...). Successful calls are not counted here; routed requests have their own timer.
 */
final class RpcStatusMetrics implements ServerInterceptor {

    private final MeterRegistry registry;

    RpcStatusMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    registry.counter("vnet.rpc.errors", "method", method, "status", status.getCode().name())
                            .increment();
                }
                super.close(status, trailers);
            }
        }, headers);
    }
}
