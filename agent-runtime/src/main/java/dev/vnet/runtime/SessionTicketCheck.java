package dev.vnet.runtime;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.Error;
import dev.vnet.security.Principal;
import dev.vnet.security.SessionTickets;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a direct call may be attributed to the session it names: only with a ticket the network issued for that
 * session and the calling principal under this agent's key ({@link SessionTickets}). The check runs on the direct
 * path with no trip anywhere: one HMAC, and proofs already verified are remembered (at most
 * {@link #MAX_REMEMBERED}, forgotten all at once when full or when the key changes). With authentication off there
 * are no principals, and a session id is passed on as given.
 */
final class SessionTicketCheck {

    static final int MAX_REMEMBERED = 4096;

    private record Proof(String principal, String sessionId, ByteString ticket) {}

    /** A key with the proofs verified under it: replaced as a whole, so no proof outlives its key. */
    private record Keyed(byte[] key, Map<Proof, Boolean> verified) {}

    private final String agentId;
    private final boolean enforced;
    /** Null until the network's first acknowledgement with a key. */
    private volatile Keyed current;

    /** @param enforced whether direct calls are authenticated (with authentication off nothing is checked) */
    SessionTicketCheck(String agentId, boolean enforced) {
        this.agentId = agentId;
        this.enforced = enforced;
    }

    /** The key of this agent id, from a registration acknowledgement; an empty one (an older network) is ignored. */
    void useKey(ByteString key) {
        if (key.isEmpty()) {
            return;
        }
        byte[] bytes = key.toByteArray();
        Keyed now = current;
        if (now == null || !Arrays.equals(now.key(), bytes)) {
            current = new Keyed(bytes, new ConcurrentHashMap<>());
        }
    }

    /**
     * Null when a call by {@code caller} may name {@code sessionId} (or names none); else the refusal, which is the
     * same whether or not such a session exists.
     */
    Error refusal(Principal caller, String sessionId, ByteString ticket) {
        if (!enforced || sessionId.isEmpty()) {
            return null;
        }
        Keyed keyed = current;
        if (keyed == null) {
            return Errors.error(Status.Code.UNAVAILABLE, "agent " + agentId + " has not registered with the network "
                    + "yet, so it cannot check session tickets; try again shortly, or leave session_id empty");
        }
        Proof proof = new Proof(caller.name(), sessionId, ticket);
        if (keyed.verified().containsKey(proof)) {
            return null;
        }
        if (!SessionTickets.proves(keyed.key(), ticket, sessionId, caller.name())) {
            return Errors.error(Status.Code.PERMISSION_DENIED, "a direct call that names session_id " + sessionId
                    + " must carry session_ticket: the one the network answered a get for that session with "
                    + "(GetResponse.session_ticket), used by the principal that opened the session, at the agent "
                    + "that runs the container (" + agentId + "); or leave session_id empty");
        }
        if (keyed.verified().size() >= MAX_REMEMBERED) {
            keyed.verified().clear();
        }
        keyed.verified().put(proof, Boolean.TRUE);
        return null;
    }
}
