package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.ScriptedServer.AgentCalls;
import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.SendResponse;
import dev.vnet.proto.v1.ServerFrame;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Direct requests to agents ({@link DirectCalls}) against a scripted network and agent in-process: each names the
 * client's session with the ticket the newest get brought for that agent ({@link DirectTickets}), and its answers,
 * failures, deadline and broken stream reach the caller as the SDK promises (docs/SDK.md, docs/SECURITY.md).
 */
class DirectCallsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(ScriptedServer.WAIT_SECONDS);

    private final ScriptedServer network = new ScriptedServer("net-1:3737");
    private final ScriptedServer agent = new ScriptedServer("agent-1:3738");
    private final VnetClient client = VnetClient.builder().network("net-1:3737").timeout(TIMEOUT)
            .connector(ScriptedServer::channel).build();
    private final SessionCall session = network.openSession("s-1");

    @AfterEach
    void close() {
        client.close();
        network.close();
        agent.close();
    }

    /** Gets u-1, which runs on agent-1, answered with {@code ticket}. */
    private ContainerRef getOnAgent1(String ticket) {
        CompletableFuture<ContainerRef> getting = client.getAsync(GetOptions.kind("kv").uuid("u-1"));
        session.answerGet(session.nextGet(), container("u-1", "kv", "agent-1", "agent-1:3738"), true, ticket);
        return getting.join();
    }

    @Test
    void aDirectRequestNamesTheSessionWithTheTicketOfItsAgent() {
        ContainerRef ref = getOnAgent1("ticket-1");

        CompletableFuture<Payload> answer = ref.requestDirectAsync("read", "k", CallOptions.DEFAULT);

        AgentCalls calls = agent.nextDirectCalls();
        DirectCall call = calls.next();
        assertThat(call.getOneWay()).isFalse();
        assertThat(call.getRequest().getUuid()).isEqualTo("u-1");
        assertThat(call.getRequest().getOperation()).isEqualTo("read");
        assertThat(Json.decode(call.getRequest().getPayload(), String.class)).isEqualTo("k");
        assertThat(call.getRequest().getTimeoutMs()).isEqualTo(TIMEOUT.toMillis());
        assertThat(call.getRequest().getSessionId()).isEqualTo("s-1");
        assertThat(call.getRequest().getSessionTicket().toStringUtf8()).isEqualTo("ticket-1");
        calls.reply(call, Json.encode("v"));
        assertThat(Json.decode(answer.join(), String.class)).isEqualTo("v");

        // The same stream carries the next call.
        ref.requestDirectAsync("read", "k2", CallOptions.DEFAULT);
        assertThat(calls.next().getRequest().getPayload()).isEqualTo(Json.encode("k2"));
    }

    @Test
    void aContainerOnAnAgentWithoutTicketIsCalledWithoutSession() {
        getOnAgent1("ticket-1");

        client.requestDirectAsync(container("u-2", "kv", "agent-2", "agent-1:3738"), "read", null,
                CallOptions.DEFAULT);

        DirectCall call = agent.nextDirectCalls().next();
        assertThat(call.getRequest().getSessionId()).isEmpty();
        assertThat(call.getRequest().getSessionTicket().isEmpty()).isTrue();
    }

    @Test
    void afterAReconnectTheNewSessionsTicketIsUsed() {
        ContainerRef ref = getOnAgent1("ticket-1");
        session.end(Status.UNAVAILABLE.withDescription("restarting"));
        SessionCall second = network.openSession("s-2");
        second.answerGet(second.nextGet(), container("u-1", "kv", "agent-1", "agent-1:3738"), false, "ticket-2");
        // Frames are read in order: once this answer is in, so is the ticket before it.
        CompletableFuture<Void> marker = client.sendAsync("u-1", "marker", null);
        second.answer(second.next(), ServerFrame.newBuilder().setSent(SendResponse.getDefaultInstance()));
        marker.join();

        ref.requestDirectAsync("read", null, CallOptions.DEFAULT);

        DirectCall call = agent.nextDirectCalls().next();
        assertThat(call.getRequest().getSessionId()).isEqualTo("s-2");
        assertThat(call.getRequest().getSessionTicket().toStringUtf8()).isEqualTo("ticket-2");
    }

    @Test
    void theAgentsFailuresKeepTheirCodeAndMessage() {
        ContainerRef ref = getOnAgent1("ticket-1");
        CompletableFuture<Payload> moved = ref.requestDirectAsync("read", null, CallOptions.DEFAULT);
        CompletableFuture<Payload> threw = ref.requestDirectAsync("boom", null, CallOptions.DEFAULT);
        AgentCalls calls = agent.nextDirectCalls();

        calls.fail(calls.next(), Status.Code.NOT_FOUND, "container u-1 does not run here", false);
        calls.fail(calls.next(), Status.Code.UNKNOWN, "IllegalStateException: boom", true);

        assertThatThrownBy(() -> Futures.await(moved)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("NOT_FOUND: container u-1 does not run here");
            assertThat(e.fromContainer()).isFalse();
        });
        assertThatThrownBy(() -> Futures.await(threw)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(e.fromContainer()).isTrue();
        });
    }

    @Test
    void aSilentAgentFailsTheCallAtItsDeadline() {
        ContainerRef ref = getOnAgent1("ticket-1");

        CompletableFuture<Payload> unanswered = ref.requestDirectAsync("read", null,
                CallOptions.timeout(Duration.ofMillis(150)));

        assertThat(agent.nextDirectCalls().next().getRequest().getTimeoutMs()).isEqualTo(150);
        assertThatThrownBy(() -> Futures.await(unanswered)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(e.reason()).isEqualTo("no answer from agent agent-1:3738 within the call's deadline");
        });
    }

    @Test
    void aBrokenStreamFailsItsCallsAndTheNextCallOpensAnother() {
        ContainerRef ref = getOnAgent1("ticket-1");
        CompletableFuture<Payload> lost = ref.requestDirectAsync("read", null, CallOptions.DEFAULT);
        AgentCalls first = agent.nextDirectCalls();
        first.next();

        first.end(Status.UNAVAILABLE.withDescription("agent stopping"));

        assertThatThrownBy(() -> Futures.await(lost)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("connection to agent agent-1:3738 was lost before the answer came"
                    + " (UNAVAILABLE agent stopping)");
        });
        CompletableFuture<Payload> refused = ref.requestDirectAsync("read", null, CallOptions.DEFAULT);
        AgentCalls second = agent.nextDirectCalls();
        second.next();
        second.end(Status.UNAUTHENTICATED.withDescription("unknown token"));
        assertThatThrownBy(() -> Futures.await(refused)).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.getMessage()).isEqualTo("UNAUTHENTICATED: agent agent-1:3738: unknown token"));
    }
}
