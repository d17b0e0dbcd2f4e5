package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.await;
import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.ScriptedServer.ConnectCall;
import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.Payload;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.LeaderHints;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections to a container's broadcasts ({@link ConnectStream}), through the network and straight to an agent,
 * against scripted servers in-process: how they open, what they hand on, the pings both ways, and every way they
 * end, each told to the listener once with why (docs/SDK.md).
 */
class ConnectStreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(ScriptedServer.WAIT_SECONDS);

    private final ScriptedServer network = new ScriptedServer("net-1:3737");
    private final ScriptedServer agent = new ScriptedServer("agent-1:3738");
    private final VnetClient client = VnetClient.builder().network("net-1:3737,net-2:3737").timeout(TIMEOUT)
            .connector(ScriptedServer::channel).build();
    private final Heard heard = new Heard();
    /** The server's side of pinging: what a coordinator's timer does for a connection that asked for pings. */
    private final ScheduledExecutorService pinger = DaemonThreads.scheduler("scripted-pings");

    @AfterEach
    void close() {
        pinger.shutdownNow();
        client.close();
        network.close();
        agent.close();
    }

    /** What the listener was told, in order. */
    private static final class Heard implements BroadcastListener {
        final LinkedBlockingQueue<Payload> broadcasts = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> closed = new LinkedBlockingQueue<>();

        @Override
        public void onBroadcast(Payload payload) {
            broadcasts.add(payload);
        }

        @Override
        public void onClosed(String reason) {
            closed.add(reason);
        }

        String closedReason() {
            return ScriptedServer.next(closed, "onClosed");
        }
    }

    private SessionCall session(long pingIntervalMs, long aliveTimeoutMs) {
        SessionCall session = network.nextSession();
        session.hello();
        session.welcome("s-1", pingIntervalMs, aliveTimeoutMs);
        client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS));
        return session;
    }

    /** Connects to u-1 through the network, which accepts; answers the open connection and the server's side. */
    private Connected connect() {
        CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(() -> client.connect("u-1", heard));
        ConnectCall call = network.nextConnect();
        ConnectOpen open = call.open();
        call.ready("s-1");
        return new Connected(connecting.join(), call, open);
    }

    private record Connected(Connection connection, ConnectCall call, ConnectOpen open) {}

    @Test
    void aConnectionOpensAsTheSessionAndHandsOnBroadcastsUntilTheContainerGoes() {
        session(1000, 3000);
        Connected connected = connect();
        assertThat(connected.call.service).isEqualTo("network");
        assertThat(connected.open.getUuid()).isEqualTo("u-1");
        assertThat(connected.open.getSessionId()).isEqualTo("s-1");
        assertThat(connected.open.getSessionTicket().isEmpty()).as("the network needs no ticket").isTrue();
        assertThat(connected.open.getPingIntervalMs()).isEqualTo(1000);
        assertThat(connected.connection.clientId()).isEqualTo("s-1");
        assertThat(connected.connection.isOpen()).isTrue();

        connected.call.broadcast(Json.encode("one"));
        connected.call.broadcast(Json.encode("two"));
        connected.call.closed("idle for 60000 ms without references");

        assertThat(Json.decode(ScriptedServer.next(heard.broadcasts, "broadcast"), String.class)).isEqualTo("one");
        assertThat(Json.decode(ScriptedServer.next(heard.broadcasts, "broadcast"), String.class)).isEqualTo("two");
        assertThat(heard.closedReason()).isEqualTo("idle for 60000 ms without references");
        assertThat(connected.connection.isOpen()).isFalse();
    }

    @Test
    void pingsGoBothWaysAndASilentServerEndsTheConnection() {
        session(100, 1500);
        Connected connected = connect();
        assertThat(connected.open.getPingIntervalMs()).isEqualTo(100);
        ScheduledFuture<?> pinging = pinger.scheduleAtFixedRate(connected.call::ping, 0, 100, TimeUnit.MILLISECONDS);

        await("twenty pings from the client (2 s, alive timeout 1.5 s)", () -> connected.call.pings.get() >= 20);
        assertThat(connected.connection.isOpen()).as("a pinging server keeps it open").isTrue();
        assertThat(heard.closed).isEmpty();

        pinging.cancel(false);

        assertThat(heard.closedReason()).matches("the network at net-1:3737 was silent for \\d+ ms; connect again");
        assertThat(connected.connection.isOpen()).isFalse();
        assertThat(connected.call.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void closingEndsTheStreamAndTellsTheListenerOnce() {
        session(1000, 3000);
        Connected connected = connect();

        connected.connection.close();

        assertThat(connected.call.endedByClient()).as("the client half-closes").isEqualTo(Status.OK);
        assertThat(connected.connection.isOpen()).isFalse();
        assertThat(heard.closedReason()).isEqualTo("closed");
        // The network ends the stream in turn (it has): that is not news to the listener.
        assertThat(heard.closed).isEmpty();
    }

    @Test
    void aConnectionTheContainerDoesNotAcceptFailsAtTheClientsTimeout() {
        try (VnetClient impatient = VnetClient.builder().network("net-1:3737").timeout(Duration.ofMillis(300))
                .connector(ScriptedServer::channel).build()) {
            CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(
                    () -> impatient.connect("u-1", heard));
            ConnectCall call = network.nextConnect();
            call.open();

            assertThatThrownBy(() -> Futures.await(connecting)).isInstanceOfSatisfying(VnetException.class, e -> {
                assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(e.reason()).isEqualTo("the container did not accept the connection within 300 ms");
            });
            assertThat(call.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
            assertThat(heard.closed).as("never ready: nothing to close").isEmpty();
        }
    }

    @Test
    void aRefusedConnectionFailsWithTheServersStatus() {
        session(1000, 3000);
        CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(() -> client.connect("u-9", heard));
        ConnectCall call = network.nextConnect();
        call.open();

        call.end(Status.NOT_FOUND.withDescription("no container u-9"));

        assertThatThrownBy(() -> Futures.await(connecting)).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.getMessage()).isEqualTo("NOT_FOUND: no container u-9"));
    }

    @Test
    void aBrokenConnectionIsReportedAsLost() {
        session(1000, 3000);
        Connected connected = connect();

        connected.call.end(Status.UNAVAILABLE.withDescription("agent agent-1 went away"));

        assertThat(heard.closedReason()).isEqualTo("connection lost: UNAVAILABLE agent agent-1 went away");
        assertThat(connected.connection.isOpen()).isFalse();
    }

    @Test
    void aConnectionThroughTheOldLeaderEndsWhenTheSessionMoves() {
        try (ScriptedServer newLeader = new ScriptedServer("net-2:3737")) {
            SessionCall session = session(1000, 3000);
            Connected connected = connect();

            session.end(Status.UNAVAILABLE.withDescription("deposed"), LeaderHints.trailers("net-2:3737"));
            newLeader.openSession("s-2");

            assertThat(heard.closedReason())
                    .isEqualTo("the network's leader moved from net-1:3737 to net-2:3737; connect again");
            assertThat(connected.call.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
        }
    }

    @Test
    void aDirectConnectionNamesTheSessionWithTheTicketOfItsAgent() {
        SessionCall session = session(1000, 3000);
        CompletableFuture<ContainerRef> getting = client.getAsync(GetOptions.kind("chat").uuid("u-1"));
        ClientFrame get = session.nextGet();
        session.answerGet(get, container("u-1", "chat", "agent-1", "agent-1:3738"), true, "ticket-1");
        ContainerRef ref = getting.join();

        CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(() -> ref.connectDirect(heard));
        ConnectCall call = agent.nextConnect();
        assertThat(call.service).isEqualTo("agent");
        ConnectOpen open = call.open();
        assertThat(open.getUuid()).isEqualTo("u-1");
        assertThat(open.getSessionId()).isEqualTo("s-1");
        assertThat(open.getSessionTicket().toStringUtf8()).isEqualTo("ticket-1");
        call.ready("s-1");
        try (Connection connection = connecting.join()) {
            assertThat(connection.clientId()).isEqualTo("s-1");
            call.broadcast(Json.encode("direct"));
            assertThat(Json.decode(ScriptedServer.next(heard.broadcasts, "broadcast"), String.class))
                    .isEqualTo("direct");
        }
    }
}
