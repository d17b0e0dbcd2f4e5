package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SessionTicketsTest {

    private static final byte[] NETWORK_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AGENT_KEY = SessionTickets.agentKey(NETWORK_KEY, "agent-1");

    private static ByteString ticket(String sessionId, String principal) {
        return ByteString.copyFrom(SessionTickets.issue(AGENT_KEY, sessionId, principal));
    }

    @Test
    void aTicketProvesItsSessionForItsPrincipalAtItsAgent() {
        ByteString ticket = ticket("session-1", "alice");
        assertThat(ticket.size()).isEqualTo(SessionTickets.BYTES);
        assertThat(SessionTickets.proves(AGENT_KEY, ticket, "session-1", "alice")).isTrue();
        assertThat(SessionTickets.proves(SessionTickets.agentKey(NETWORK_KEY, "agent-1"), ticket, "session-1",
                "alice")).as("every instance of agent-1, under any leader, derives the same key").isTrue();
    }

    @Test
    void aTicketProvesNothingForAnotherPrincipalOrSession() {
        ByteString alices = ticket("session-1", "alice");
        assertThat(SessionTickets.proves(AGENT_KEY, alices, "session-1", "mallory")).isFalse();
        assertThat(SessionTickets.proves(AGENT_KEY, alices, "session-2", "alice")).isFalse();
        assertThat(SessionTickets.proves(AGENT_KEY, ticket("session-2", "mallory"), "session-1", "mallory"))
                .as("a principal's ticket for its own session does not open another").isFalse();
    }

    @Test
    void fieldsCannotBeShiftedFromSessionToPrincipal() {
        ByteString ticket = ticket("ab", "c");
        assertThat(SessionTickets.proves(AGENT_KEY, ticket, "a", "bc")).isFalse();
        assertThat(SessionTickets.proves(AGENT_KEY, ticket, "abc", "")).isFalse();
    }

    @Test
    void aTamperedTruncatedOrEmptyTicketProvesNothing() {
        byte[] bytes = SessionTickets.issue(AGENT_KEY, "session-1", "alice");
        for (int i = 0; i < bytes.length; i++) {
            byte[] tampered = bytes.clone();
            tampered[i] ^= 1;
            assertThat(SessionTickets.proves(AGENT_KEY, ByteString.copyFrom(tampered), "session-1", "alice"))
                    .as("bit flipped in byte " + i).isFalse();
        }
        assertThat(SessionTickets.proves(AGENT_KEY, ByteString.copyFrom(Arrays.copyOf(bytes, 16)), "session-1",
                "alice")).isFalse();
        assertThat(SessionTickets.proves(AGENT_KEY, ByteString.EMPTY, "session-1", "alice")).isFalse();
    }

    @Test
    void anotherAgentsKeyOrAnotherNetworksKeyProvesNothing() {
        ByteString ticket = ticket("session-1", "alice");
        byte[] otherAgent = SessionTickets.agentKey(NETWORK_KEY, "agent-2");
        assertThat(otherAgent).isNotEqualTo(AGENT_KEY);
        assertThat(SessionTickets.proves(otherAgent, ticket, "session-1", "alice")).isFalse();
        ByteString minted = ByteString.copyFrom(SessionTickets.issue(otherAgent, "session-1", "alice"));
        assertThat(SessionTickets.proves(AGENT_KEY, minted, "session-1", "alice"))
                .as("agent-2 (or code in it) that knows its key cannot mint tickets agent-1 takes").isFalse();
        byte[] otherNetwork = NETWORK_KEY.clone();
        otherNetwork[0] ^= 1;
        assertThat(SessionTickets.proves(SessionTickets.agentKey(otherNetwork, "agent-1"), ticket, "session-1",
                "alice")).isFalse();
    }
}
