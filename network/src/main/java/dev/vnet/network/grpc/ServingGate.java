package dev.vnet.network.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Keeps clients and agents out while the coordinator cannot serve them (it is still loading its state from the
 * store): every vnet call is answered UNAVAILABLE with the reason, so they retry elsewhere or later. The standard
 * health and reflection services stay open.
 */
public final class ServingGate implements ServerInterceptor {

    private volatile String closedBecause;

    public ServingGate(String closedBecause) {
        this.closedBecause = closedBecause;
    }

    public void open() {
        closedBecause = null;
    }

    public void close(String reason) {
        closedBecause = reason;
    }

    public boolean isOpen() {
        return closedBecause == null;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String reason = closedBecause;
        if (reason != null && call.getMethodDescriptor().getServiceName().startsWith("vnet.")) {
            call.close(Status.UNAVAILABLE.withDescription(reason), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
