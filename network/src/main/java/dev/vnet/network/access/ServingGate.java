package dev.vnet.network.access;

import dev.vnet.network.leader.LeaderState;
import dev.vnet.network.leader.LeadershipListener;
import dev.vnet.network.registry.Mandate;
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
 *
 * <p>It follows the leadership: open while this replica serves, closed with a reason that fits every other phase.
 */
public final class ServingGate implements ServerInterceptor, LeadershipListener {

    private static final String WHO_LEADS = "vnet.v1.Admin/GetLeader";
    /** Why a leader whose lease ran out by its own clock refuses calls; it names no leader: it may no longer be one. */
    public static final String IN_DOUBT = "this coordinator was paused past its leader lease and is checking whether it "
            + "still leads; try another replica";
    /**
     * When callers turned away while this replica restores its registry should ask again: a restore reads the store
     * once (tens of milliseconds for thousands of containers), so a short wait, repeated, finds it serving soon after.
     */
    private static final long RESTORING_RETRY_MS = 100;

    private final Mandate mandate;
    private volatile String closedBecause;
    private volatile String leaderEndpoint = "";

    public ServingGate(String closedBecause) {
        this(closedBecause, Mandate.UNCONDITIONAL);
    }

    /** @param mandate while it is in doubt (the leader lease ran out by this replica's clock) every call is refused */
    public ServingGate(String closedBecause, Mandate mandate) {
        this.closedBecause = closedBecause;
        this.mandate = mandate;
    }

    /** Opens only while this replica serves; points callers at whoever leads (itself while it leads). */
    @Override
    public void leadershipChanged(LeaderState from, LeaderState to) {
        pointAt(to.leader());
        switch (to.phase()) {
            case STANDING_BY -> close("this coordinator stands by: it does not lead");
            case RESTORING -> close("this coordinator was elected leader (epoch " + to.epoch() + ") and is restoring "
                    + "its registry from the store; try it again in " + RESTORING_RETRY_MS + " ms");
            case SERVING -> open();
            case DEPOSED -> close("this coordinator no longer leads (" + to.reason() + ")");
            case STOPPED -> close("this coordinator is shutting down");
        }
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

    /**
     * Null while open; else the UNAVAILABLE status that says why, and where the leader is when known. A replica in
     * doubt about its own lease names no leader: it may no longer be one, and may not know who is.
     */
    public Status refusal() {
        String reason = closedBecause;
        if (reason == null) {
            return mandate.inDoubt() ? Status.UNAVAILABLE.withDescription(IN_DOUBT) : null;
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
            call.close(refusal, LeaderHints.trailers(IN_DOUBT.equals(refusal.getDescription()) ? "" : leaderEndpoint));
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
