package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.Error;
import dev.vnet.security.Permission;
import dev.vnet.security.Principal;
import dev.vnet.security.SessionTickets;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTicketCheckTest {

    private static final byte[] NETWORK_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Principal ALICE = new Principal("alice", Set.of(Permission.CONTAINER_REQUEST));
    private static final Principal MALLORY = new Principal("mallory", Set.of(Permission.CONTAINER_REQUEST));

    private static ByteString agentKey(String agentId) {
        return ByteString.copyFrom(SessionTickets.agentKey(NETWORK_KEY, agentId));
    }

    private static ByteString ticket(String agentId, String sessionId, String principal) {
        return ByteString.copyFrom(SessionTickets.issue(agentKey(agentId).toByteArray(), sessionId, principal));
    }

    private static SessionTicketCheck registered() {
        SessionTicketCheck check = new SessionTicketCheck("agent-1", true);
        check.useKey(agentKey("agent-1"));
        return check;
    }

    @Test
    void theOwnersTicketPassesAndCallsWithoutASessionNeedNone() {
        SessionTicketCheck check = registered();
        ByteString ticket = ticket("agent-1", "s-1", "alice");
        assertThat(check.refusal(ALICE, "s-1", ticket)).isNull();
        assertThat(check.refusal(ALICE, "s-1", ticket)).as("remembered, and still right").isNull();
        assertThat(check.refusal(MALLORY, "", ByteString.EMPTY)).isNull();
    }

    @Test
    void anotherPrincipalATamperedTicketOrAnotherAgentsTicketIsDeniedAlikeWhateverTheSession() {
        SessionTicketCheck check = registered();
        ByteString alices = ticket("agent-1", "s-1", "alice");
        assertThat(check.refusal(ALICE, "s-1", alices)).isNull();
        byte[] tampered = alices.toByteArray();
        tampered[31] ^= 0x40;
        Error[] refusals = {
                check.refusal(MALLORY, "s-1", alices),
                check.refusal(MALLORY, "s-1", ByteString.EMPTY),
                check.refusal(MALLORY, "s-1", ticket("agent-1", "s-2", "mallory")),
                check.refusal(ALICE, "s-1", ByteString.copyFrom(tampered)),
                check.refusal(ALICE, "s-1", ticket("agent-2", "s-1", "alice"))};
        for (Error refusal : refusals) {
            assertThat(refusal.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
            assertThat(refusal.getMessage()).contains("session_ticket").contains("GetResponse.session_ticket")
                    .contains("leave session_id empty");
            assertThat(refusal).as("nothing tells one refusal from another").isEqualTo(refusals[0]);
        }
        assertThat(check.refusal(MALLORY, "no-such-session", ByteString.EMPTY).getMessage())
                .isEqualTo(refusals[0].getMessage().replace("s-1", "no-such-session"));
    }

    @Test
    void beforeItsFirstKeyTheAgentCannotCheckAndSaysSo() {
        SessionTicketCheck check = new SessionTicketCheck("agent-1", true);
        Error refusal = check.refusal(ALICE, "s-1", ticket("agent-1", "s-1", "alice"));
        assertThat(refusal.getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
        assertThat(refusal.getMessage()).contains("has not registered");
        check.useKey(ByteString.EMPTY);
        assertThat(check.refusal(ALICE, "s-1", ticket("agent-1", "s-1", "alice")).getCode())
                .as("an acknowledgement without a key changes nothing").isEqualTo(Status.Code.UNAVAILABLE.value());
    }

    @Test
    void aNewKeyForgetsWhatWasVerifiedUnderTheOld() {
        SessionTicketCheck check = registered();
        ByteString ticket = ticket("agent-1", "s-1", "alice");
        assertThat(check.refusal(ALICE, "s-1", ticket)).isNull();
        check.useKey(agentKey("agent-1"));
        assertThat(check.refusal(ALICE, "s-1", ticket)).as("the same key again keeps what it verified").isNull();
        check.useKey(agentKey("another-network-or-agent"));
        assertThat(check.refusal(ALICE, "s-1", ticket).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
    }

    @Test
    void withAuthenticationOffASessionIdPassesAsGiven() {
        SessionTicketCheck off = new SessionTicketCheck("agent-1", false);
        assertThat(off.refusal(Principal.UNAUTHENTICATED_DEVELOPER, "s-1", ByteString.EMPTY)).isNull();
    }

    @Test
    void manyVerifiedProofsStayCorrectPastTheBound() {
        SessionTicketCheck check = registered();
        for (int i = 0; i < SessionTicketCheck.MAX_REMEMBERED + 10; i++) {
            assertThat(check.refusal(ALICE, "s-" + i, ticket("agent-1", "s-" + i, "alice"))).isNull();
        }
        assertThat(check.refusal(MALLORY, "s-1", ticket("agent-1", "s-1", "alice"))).isNotNull();
        assertThat(check.refusal(ALICE, "s-1", ticket("agent-1", "s-1", "alice"))).isNull();
    }
}
