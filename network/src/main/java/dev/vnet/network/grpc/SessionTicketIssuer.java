package dev.vnet.network.grpc;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.security.SessionTickets;

/**
 * The network's side of session tickets ({@link SessionTickets}): agents get their key in every registration
 * acknowledgement, and clients a ticket with every get answer that names a session. The network key comes from
 * the store, where every replica reads the same one, so a leader change changes no key and no ticket; until the
 * first election there is none, and nothing is served then.
 */
public final class SessionTicketIssuer {

    private volatile byte[] networkKey;

    /** The network's key, read from the store by a coordinator that takes up leadership. */
    public void useNetworkKey(byte[] key) {
        if (key.length < SessionTickets.BYTES) {
            throw new IllegalArgumentException("the store's session ticket key has " + key.length + " bytes, fewer "
                    + "than " + SessionTickets.BYTES);
        }
        networkKey = key.clone();
    }

    /** {@code ack} with the key agent {@code agentId} checks tickets with. */
    RegisterAck withAgentKey(RegisterAck ack, String agentId) {
        return ack.toBuilder().setSessionTicketKey(ByteString.copyFrom(SessionTickets.agentKey(key(), agentId)))
                .build();
    }

    /**
     * {@code answer} with the ticket that proves, at the agent of the container it describes, that session
     * {@code sessionId} is {@code owner}'s; unchanged when the get named no session.
     */
    GetResponse withTicket(GetResponse answer, String sessionId, String owner) {
        String agentId = answer.getContainer().getAgentId();
        if (sessionId == null || sessionId.isEmpty() || agentId.isEmpty()) {
            return answer;
        }
        byte[] ticket = SessionTickets.issue(SessionTickets.agentKey(key(), agentId), sessionId, owner);
        return answer.toBuilder().setSessionTicket(ByteString.copyFrom(ticket)).build();
    }

    private byte[] key() {
        byte[] key = networkKey;
        if (key == null) {
            throw new IllegalStateException("no session ticket key: this coordinator has not read its store as leader");
        }
        return key;
    }
}
