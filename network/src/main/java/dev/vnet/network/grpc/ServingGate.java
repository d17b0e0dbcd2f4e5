package dev.vnet.network.grpc;

import dev.vnet.wire.LeaderHints;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Keeps clients and agents out while the coordinator cannot serve them (it does not lead, or is still loading its
 * state): every vnet call is answered UNAVAILABLE with the reason and, when known, the leader's endpoint in the
 * trailers, so that they go there. The standard health and reflection services stay open, and so does the question
 * of who leads.
 */
public final class ServingGate implements ServerInterceptor {

    private static final String WHO_LEADS = "vnet.v1.Admin/GetLeader";

    private volatile String closedBecause;
    private volatile String leaderEndpoint = "";

    public ServingGate(String closedBecause) {
        this.closedBecause = closedBecause;
    }

    public void open() {
        closedBecause = null;
    }

    public void close(String reason) {
        closedBecause = reason;
    }

    /** Where callers turned away should go (the leader's host:port), empty when unknown. */
    public void pointAt(String leader) {
        leaderEndpoint = leader == null ? "" : leader;
    }

    public String leaderEndpoint() {
        return leaderEndpoint;
    }

    public boolean isOpen() {
        return closedBecause == null;
    }

    /** Null while open; else the UNAVAILABLE status that says why, and where the leader is when known. */
    public Status refusal() {
        String reason = closedBecause;
        if (reason == null) {
            return null;
        }
        String leader = leaderEndpoint;
        return Status.UNAVAILABLE.withDescription(reason + (leader.isEmpty() ? "" : "; the leader is " + leader));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Status refusal = method.startsWith("vnet.") && !method.equals(WHO_LEADS) ? refusal() : null;
        if (refusal != null) {
            call.close(refusal, LeaderHints.trailers(leaderEndpoint));
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
