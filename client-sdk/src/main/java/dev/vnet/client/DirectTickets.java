package dev.vnet.client;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.GetResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session tickets this client got with its containers, the newest per agent id: a direct call or connection
 * to an agent names the session of that agent's ticket and carries the ticket, so the agent knows the session is
 * this client's. A ticket stays good at its agent id across leader changes and agent takeovers, so the ticket of
 * an ended session still serves until a get on the new session (the client takes its references again after a
 * reconnect) brings a newer one. Bounded by the agents this client got containers on.
 */
final class DirectTickets {

    /** A session and the ticket that proves it is this client's at one agent. */
    record Ticket(String sessionId, ByteString ticket) {}

    private final Map<String, Ticket> byAgent = new ConcurrentHashMap<>();

    /** A get on session {@code sessionId} was answered: its ticket is the newest for the container's agent. */
    void got(String sessionId, GetResponse answer) {
        String agentId = answer.getContainer().getAgentId();
        if (!answer.getSessionTicket().isEmpty() && !agentId.isEmpty()) {
            byAgent.put(agentId, new Ticket(sessionId, answer.getSessionTicket()));
        }
    }

    /** The newest ticket for agent {@code agentId}, or null when no get brought one. */
    Ticket forAgent(String agentId) {
        return byAgent.get(agentId);
    }
}
