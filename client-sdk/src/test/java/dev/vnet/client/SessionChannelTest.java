package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.await;
import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.wire.LeaderHints;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's session with the network ({@link SessionChannel}), driven through {@link VnetClient} as applications
 * use it, against scripted coordinators in-process: opening, waiting for it, losing it (broken, silent, refused),
 * opening it again where the leader is, and taking the client's references again there (docs/SDK.md, "When the
 * network restarts").
 */
class SessionChannelTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    private ScriptedServer server(String endpoint) {
        ScriptedServer server = new ScriptedServer(endpoint);
        opened.add(server);
        return server;
    }

    private VnetClient client(VnetClient.Builder builder) {
        VnetClient client = builder.name("billing-api").connector(ScriptedServer::channel).build();
        opened.add(0, client);
        return client;
    }

    private VnetClient client(String network) {
        return client(VnetClient.builder().network(network).timeout(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)));
    }

    /** Gets {@code uuid} of {@code kind} on {@code session}, answered as running on agent-1. */
    private static ContainerRef got(VnetClient client, SessionCall session, GetOptions options, String uuid) {
        CompletableFuture<ContainerRef> ref = client.getAsync(options);
        ClientFrame get = session.nextGet();
        session.answerGet(get, container(uuid, get.getGet().getKind(), "agent-1", "agent-1:3738"), true, "t");
        return ref.join();
    }

    @Test
    void callsMadeBeforeTheSessionOpensWaitForItAndThenGoOut() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client("net-1:3737");
        SessionCall session = network.nextSession();
        session.hello();
        assertThat(client.sessionId()).isNull();

        CompletableFuture<ContainerRef> early = client.getAsync(GetOptions.kind("kv").uuid("u-1"));
        session.welcome("s-1", 1000, 3000);

        ClientFrame get = session.nextGet();
        assertThat(get.getGet().getUuid()).isEqualTo("u-1");
        session.answerGet(get, container("u-1", "kv", "agent-1", "agent-1:3738"), false, "t");
        assertThat(early.join().created()).isFalse();
        assertThat(client.sessionId()).isEqualTo("s-1");
    }

    @Test
    void aBrokenStreamFailsTheCallsInFlightAndTheNextSessionTakesTheReferencesAgain() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client("net-1:3737");
        SessionCall first = network.openSession("s-1");
        got(client, first, GetOptions.kind("kv").labels("blue"), "u-1");
        got(client, first, GetOptions.kind("kv").uuid("u-2"), "u-2");
        CompletableFuture<Integer> release = client.releaseAsync("u-2");
        first.answer(first.next(), ServerFrame.newBuilder().setReleased(ReleaseResponse.getDefaultInstance()));
        release.join();
        CompletableFuture<Payload> inFlight = client.requestAsync("u-1", "put", 1, CallOptions.DEFAULT);
        first.next();

        first.end(Status.UNAVAILABLE.withDescription("coordinator shutting down"));

        assertThatThrownBy(() -> Futures.await(inFlight)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("connection to the network at net-1:3737 was lost before the answer"
                    + " came (UNAVAILABLE coordinator shutting down); the call may or may not have run");
        });
        SessionCall second = network.nextSession();
        second.hello();
        CompletableFuture<Payload> meanwhile = client.requestAsync("u-1", "meanwhile", null, CallOptions.DEFAULT);
        second.welcome("s-2", 1000, 3000);

        GetRequest again = second.nextGet().getGet();
        assertThat(again).as("the get that found u-1 by its labels, for u-1 itself")
                .isEqualTo(GetRequest.newBuilder().setKind("kv").setUuid("u-1").addLabels("blue").build());
        ClientFrame waited = second.next();
        assertThat(waited.getRequest().getOperation()).as("the call made while away (u-2 was released: not taken"
                + " again)").isEqualTo("meanwhile");
        second.answer(waited, ServerFrame.newBuilder().setReply(ContainerReply.getDefaultInstance()));
        meanwhile.join();
        assertThat(client.sessionId()).isEqualTo("s-2");
    }

    @Test
    void aReferenceTheNetworkCannotGiveBackYetIsAskedForAgain() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client("net-1:3737");
        SessionCall first = network.openSession("s-1");
        got(client, first, GetOptions.kind("kv").uuid("u-1"), "u-1");
        first.end(Status.UNAVAILABLE.withDescription("restarting"));

        SessionCall second = network.openSession("s-2");
        // A restarted coordinator may not know the container's agent yet.
        second.fail(second.nextGet(), Status.Code.UNAVAILABLE, "container u-1 is recovering", false);
        ClientFrame retry = second.nextGet();
        assertThat(retry.getGet().getUuid()).isEqualTo("u-1");
        second.answerGet(retry, container("u-1", "kv", "agent-1", "agent-1:3738"), false, "t2");
    }

    @Test
    void aSilentNetworkIsGivenUpAndTheSessionOpensAgain() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client("net-1:3737");
        SessionCall first = network.nextSession();
        first.hello();
        first.welcome("s-1", 100, 1500);

        // Answered pings keep the session well past the alive timeout.
        await("twenty pings (2 s of session, alive timeout 1.5 s)", () -> first.pings.get() >= 20);
        CompletableFuture<Payload> inFlight = client.requestAsync("u-1", "slow", null, CallOptions.DEFAULT);
        first.next();
        assertThat(network.noSessionWithin(Duration.ZERO)).isTrue();

        first.goSilent();

        assertThat(first.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThatThrownBy(() -> Futures.await(inFlight)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.reason()).matches("connection to the network at net-1:3737 was lost before the answer came"
                    + " \\(DEADLINE_EXCEEDED the network at net-1:3737 was silent for \\d+ ms\\).*");
        });
        network.openSession("s-2");
        await("the new session", () -> "s-2".equals(client.sessionId()));
    }

    @Test
    void aCoordinatorThatDoesNotLeadSendsTheClientToTheLeader() {
        ScriptedServer standby = server("net-1:3737");
        server("net-2:3737");
        ScriptedServer leader = server("net-3:3737");
        VnetClient client = client("net-1:3737,net-2:3737,net-3:3737");

        SessionCall refused = standby.nextSession();
        refused.hello();
        refused.end(Status.UNAVAILABLE.withDescription("not the leader"), LeaderHints.trailers("net-3:3737"));

        // Without the hint the next endpoint in turn, net-2, would come first.
        leader.openSession("s-1");
        assertThat(client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)).sessionId())
                .isEqualTo("s-1");
    }

    @Test
    void aNetworkThatNeverWelcomesLeavesCallsUnavailableAtTheirDeadline() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client(VnetClient.builder().network("net-1:3737").timeout(Duration.ofMillis(400))
                .connectTimeout(Duration.ofMillis(100)));
        SessionCall unanswered = network.nextSession();
        unanswered.hello();

        assertThatThrownBy(() -> client.get(GetOptions.kind("kv"))).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.reason()).startsWith("not connected to the network before the call's deadline (");
        });
        assertThat(unanswered.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThatThrownBy(() -> client.awaitConnected(Duration.ofMillis(200)))
                .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.reason()).isEqualTo(
                        "could not open a session with the network at [net-1:3737] within 200 ms; last problem:"
                                + " DEADLINE_EXCEEDED no answer from the network at net-1:3737 within 100 ms"));
    }

    @Test
    void aNetworkThatIsNotThereIsNamedInTheFailure() {
        VnetClient client = client(VnetClient.builder().network("net-9:3737").timeout(Duration.ofMillis(300)));

        assertThatThrownBy(() -> client.awaitConnected(Duration.ofMillis(500)))
                .isInstanceOfSatisfying(VnetException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.reason()).startsWith("could not open a session with the network at [net-9:3737]"
                            + " within 500 ms; last problem: UNAVAILABLE");
                });
    }

    @Test
    void aRefusedTokenFailsWhoeverWaitsAtOnce() {
        ScriptedServer network = server("net-1:3737");
        VnetClient client = client("net-1:3737");
        SessionCall session = network.nextSession();
        session.hello();
        CompletableFuture<ContainerRef> waiting = client.getAsync(GetOptions.kind("kv"));

        session.end(Status.UNAUTHENTICATED.withDescription("unknown token"));

        assertThatThrownBy(() -> Futures.await(waiting)).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.getMessage()).isEqualTo("UNAUTHENTICATED: unknown token"));
        assertThatThrownBy(() -> client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)))
                .isInstanceOfSatisfying(VnetException.class,
                        e -> assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED));
        // It keeps trying, for a token the network may learn.
        network.openSession("s-1");
        await("the session once the token is accepted", () -> "s-1".equals(client.sessionId()));
    }

    @Test
    void sessionEventsReachTheListenerAndARemovedContainerIsNotTakenAgain() {
        ScriptedServer network = server("net-1:3737");
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        VnetClient client = client(VnetClient.builder().network("net-1:3737").onSessionEvent(events::add)
                .timeout(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)));
        SessionCall first = network.openSession("s-1");
        got(client, first, GetOptions.kind("kv").uuid("u-1"), "u-1");
        Event removed = Event.newBuilder().setKind(EventKind.EVENT_KIND_CONTAINER_REMOVED).setReason("agent died")
                .setContainer(container("u-1", "kv", "agent-1", "agent-1:3738")).build();

        first.event(removed);

        assertThat(ScriptedServer.next(events, "session event")).isEqualTo(removed);
        first.end(Status.UNAVAILABLE.withDescription("restarting"));
        SessionCall second = network.openSession("s-2");
        await("the new session", () -> "s-2".equals(client.sessionId()));
        client.requestAsync("u-1", "after", null, CallOptions.DEFAULT);
        assertThat(second.next().getRequest().getOperation()).as("u-1 is gone: not taken again").isEqualTo("after");
    }
}
