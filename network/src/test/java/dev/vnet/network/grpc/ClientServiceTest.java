package dev.vnet.network.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vnet.client.CallOptions;
import dev.vnet.client.Connection;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.Subscription;
import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.CloseSessionRequest;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.Ping;
import dev.vnet.proto.v1.WatchEventsRequest;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.KeepAliveRequest;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.OpenSessionRequest;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.ReleaseRequest;
import dev.vnet.runtime.AgentRuntime;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import dev.vnet.network.Coordinator;
import dev.vnet.network.store.FreshDatabase;
import dev.vnet.network.store.StoreReader;
import dev.vnet.security.Principal;
import dev.vnet.security.SessionTickets;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The coordinator over real gRPC, in one Quarkus boot: an agent runtime and SDK clients in this JVM talk to it
 * on 127.0.0.1 through its actual services.
 */
@QuarkusTest
@WithTestResource(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientServiceTest {

    @Inject
    Coordinator coordinator;

    @Inject
    StoreReader store;

    private String network;
    private AgentRuntime agent;
    private VnetClient client;
    private ManagedChannel channel;
    private NetworkGrpc.NetworkBlockingStub unary;

    @BeforeAll
    void start() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(coordinator::isReady);
        network = "127.0.0.1:" + coordinator.grpcPort();
        agent = AgentRuntime.builder().agentId("test-agent").network(network).host("127.0.0.1").port(0)
                .kind(TestKinds.echo()).kind(TestKinds.slow()).kind(TestKinds.room()).kind(TestKinds.broken())
                .build().start();
        agent.registered().get(10, TimeUnit.SECONDS);
        client = newClient();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort()).usePlaintext().build();
        unary = NetworkGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() {
        client.close();
        channel.shutdownNow();
        agent.close(Duration.ofSeconds(1));
    }

    private VnetClient newClient() {
        return VnetClient.builder().network(network).timeout(Duration.ofSeconds(5)).build()
                .awaitConnected(Duration.ofSeconds(10));
    }

    // ---- requests ----

    @Test
    void routedAndDirectRequestsReachTheSameContainer() {
        ContainerRef echo = client.get(GetOptions.kind("echo"));

        assertThat((Object) echo.request("anything", Map.of("n", 1), Map.class)).isEqualTo(Map.of("n", 1));
        Map<?, ?> routed = echo.request("whoami", null, Map.class);
        Map<?, ?> direct = echo.requestDirect("whoami", null, Map.class);
        assertThat(routed.get("agent")).isEqualTo("test-agent");
        assertThat(routed.get("client")).isEqualTo(client.sessionId());
        assertThat(direct.get("epoch")).isEqualTo(routed.get("epoch"));
        assertThat((Object) echo.requestDirect("x", List.of("a", "b"), List.class)).isEqualTo(List.of("a", "b"));
    }

    @Test
    void aContainersExceptionReachesTheCallerAndTheContainerKeepsRunning() {
        ContainerRef echo = client.get(GetOptions.kind("echo"));

        assertThatThrownBy(() -> echo.request("fail", null, Object.class))
                .isInstanceOfSatisfying(VnetException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.fromContainer()).isTrue();
                    assertThat(e.getMessage()).contains("failed on purpose");
                });
        assertThat(echo.request("again", "still here", String.class)).isEqualTo("still here");
    }

    @Test
    void aCallPastItsDeadlineFailsWithDeadlineExceededInTime() {
        ContainerRef slow = client.get(GetOptions.kind("slow"));
        long started = System.nanoTime();

        assertThatThrownBy(() -> client.requestAsync(slow.uuid(), "sleep", 3000,
                CallOptions.timeout(Duration.ofMillis(300))).join())
                .cause().isInstanceOfSatisfying(VnetException.class,
                        e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2000));
        assertThat(slow.request("sleep", 1, String.class)).isEqualTo("done");
    }

    @Test
    void unknownContainersAndKindsAreNotFound() {
        assertThatThrownBy(() -> client.request("no-such-uuid", "x", null, Object.class))
                .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> client.get(GetOptions.kind("no-such-kind")))
                .isInstanceOfSatisfying(VnetException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getMessage()).contains("known kinds");
                });
    }

    @Test
    void badInputIsRefusedWithInvalidArgumentNamingTheField() {
        assertThatThrownBy(() -> client.get(GetOptions.kind("echo").uuid("has spaces")))
                .isInstanceOfSatisfying(VnetException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("uuid");
                });
        assertThatThrownBy(() -> client.get(GetOptions.kind("Echo!")))
                .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.getMessage()).contains("kind"));
        assertThatThrownBy(() -> client.get(GetOptions.kind("echo").labels("two words")))
                .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.getMessage()).contains("label"));

        ContainerRef echo = client.get(GetOptions.kind("echo"));
        ContainerRequest oversized = ContainerRequest.newBuilder().setUuid(echo.uuid()).setOperation("x")
                .setPayload(Payload.newBuilder().setData(ByteString.copyFrom(new byte[4 * 1024 * 1024 + 1]))).build();
        assertThatThrownBy(() -> unary.request(oversized))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("payload").contains("limit");
                });
    }

    @Test
    void aFactoryThatThrowsFailsTheGetWithItsMessage() {
        assertThatThrownBy(() -> client.get(GetOptions.kind("broken")))
                .isInstanceOfSatisfying(VnetException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.getMessage()).contains("cannot start a broken container");
                });
        assertThat(client.containers("broken", null, null)).isEmpty();
    }

    // ---- the unary API, as grpcurl and other languages use it ----

    @Test
    void aGetThatNamesASessionCarriesItsTicketForTheContainersAgentAndOneThatNamesNoneDoesNot() {
        String session = unary.openSession(OpenSessionRequest.newBuilder().setClientName("tickets").build())
                .getSessionId();
        GetResponse got = unary.get(GetRequest.newBuilder().setSessionId(session).setKind("echo").build());
        byte[] agentKey = SessionTickets.agentKey(store.sessionTicketKey(), "test-agent");
        assertThat(got.getContainer().getAgentId()).isEqualTo("test-agent");
        assertThat(SessionTickets.proves(agentKey, got.getSessionTicket(), session,
                Principal.UNAUTHENTICATED_DEVELOPER.name())).isTrue();
        assertThat(unary.get(GetRequest.newBuilder().setKind("echo").setUuid(got.getContainer().getUuid()).build())
                .getSessionTicket()).isEmpty();
        unary.closeSession(CloseSessionRequest.newBuilder().setSessionId(session).build());
    }

    @Test
    void theUnaryApiCoversASessionsWholeLife() {
        String session = unary.openSession(OpenSessionRequest.newBuilder().setClientName("grpcurl").setLeaseMs(5000)
                .build()).getSessionId();
        ContainerInfo echo = unary.get(GetRequest.newBuilder().setSessionId(session).setKind("echo").build())
                .getContainer();
        assertThat(echo.getReferences()).isEqualTo(1);

        var reply = unary.withDeadlineAfter(5, TimeUnit.SECONDS).request(ContainerRequest.newBuilder()
                .setUuid(echo.getUuid()).setOperation("x").setPayload(Json.encode("hello")).build());
        assertThat(Json.decode(reply.getPayload(), String.class)).isEqualTo("hello");
        assertThat(reply.getAgentId()).isEqualTo("test-agent");
        unary.send(ContainerRequest.newBuilder().setUuid(echo.getUuid()).setOperation("x").build());

        assertThat(unary.release(ReleaseRequest.newBuilder().setSessionId(session).setUuid(echo.getUuid()).build())
                .getReferences()).isZero();
        assertThat(unary.closeSession(CloseSessionRequest.newBuilder().setSessionId(session).build()).getReleased())
                .isZero();
        assertThatThrownBy(() -> unary.keepAlive(KeepAliveRequest.newBuilder().setSessionId(session).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aUnarySessionExpiresAfterItsLeaseAndReleasesItsReferences() {
        String session = unary.openSession(OpenSessionRequest.newBuilder().setLeaseMs(1000).build()).getSessionId();
        String uuid = unary.get(GetRequest.newBuilder().setSessionId(session).setKind("echo").build()).getContainer()
                .getUuid();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(unary.listContainers(
                ListContainersRequest.newBuilder().setKind("echo").build()).getContainersList())
                .filteredOn(c -> c.getUuid().equals(uuid)).singleElement()
                .satisfies(c -> assertThat(c.getReferences()).isZero()));
    }

    // ---- sessions ----

    @Test
    void aConnectedClientKeepsItsContainersPastTheAliveTimeout() throws Exception {
        ContainerRef echo = client.get(GetOptions.kind("echo"));

        Thread.sleep(2500); // the test profile's alive timeout is 1 s

        assertThat(client.containers("echo", null, null)).filteredOn(c -> c.getUuid().equals(echo.uuid()))
                .singleElement().satisfies(c -> assertThat(c.getReferences()).isEqualTo(1));
        assertThat(echo.request("x", "alive", String.class)).isEqualTo("alive");
    }

    @Test
    void closingAClientReleasesItsReferences() {
        String uuid;
        try (VnetClient other = newClient()) {
            uuid = other.get(GetOptions.kind("echo")).uuid();
            assertThat(references(uuid)).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> references(uuid) == 0);
    }

    @Test
    void twoClientsShareAContainerAndOneReleaseKeepsIt() {
        try (VnetClient other = newClient()) {
            ContainerRef mine = client.get(GetOptions.kind("echo").uuid("shared-1"));
            other.get(GetOptions.kind("echo").uuid("shared-1"));
            assertThat(references("shared-1")).isEqualTo(2);

            assertThat(mine.release()).isEqualTo(1);
            assertThat(other.request("shared-1", "x", "still served", String.class)).isEqualTo("still served");
        }
    }

    // ---- broadcasts and events ----

    @Test
    void broadcastsReachEveryConnectedClientThroughTheNetworkAndDirect() {
        ContainerRef room = client.get(GetOptions.kind("room").uuid("room-1"));
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        try (VnetClient other = newClient();
                Connection viaNetwork = room.connect(p -> first.add(Json.decode(p, String.class)));
                Connection direct = other.get(GetOptions.kind("room").uuid("room-1"))
                        .connectDirect(p -> second.add(Json.decode(p, String.class)))) {
            assertThat(viaNetwork.clientId()).isEqualTo(client.sessionId());

            assertThat(room.request("post", "hello all", Integer.class)).isEqualTo(2);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(first).containsExactly("welcome " + client.sessionId(), "hello all");
                assertThat(second).containsExactly("welcome " + other.sessionId(), "hello all");
            });
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> room.request("post", "nobody", Integer.class) == 0);
    }

    @Test
    void watchersGetASnapshotAndThenEventsAsTheyHappen() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (Subscription watch = client.watch(seen::add, true)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(e ->
                    e.getKind() == EventKind.EVENT_KIND_AGENT_ADDED && e.getAgent().getAgentId().equals("test-agent")));

            String uuid = client.get(GetOptions.kind("echo")).uuid();

            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(e ->
                    e.getKind() == EventKind.EVENT_KIND_CONTAINER_ADDED && e.getContainer().getUuid().equals(uuid)));
        }
    }

    // ---- pings on long-lived streams ----

    @Test
    void aWatcherThatAsksForPingsIsPingedAtItsIntervalWhateverKindsItWatches() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        try {
            long started = System.nanoTime();
            watch.run(() -> NetworkGrpc.newStub(channel).watchEvents(WatchEventsRequest.newBuilder()
                    .addKinds(EventKind.EVENT_KIND_MIGRATION_FAILED).setPingIntervalMs(100).build(), collect(seen)));

            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 5);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("five pings 100 ms apart")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500));
            assertThat(seen).allSatisfy(event -> {
                assertThat(event.getKind()).isEqualTo(EventKind.EVENT_KIND_PING);
                assertThat(event.getSubjectCase()).isEqualTo(Event.SubjectCase.SUBJECT_NOT_SET);
            });
        } finally {
            watch.cancel(null);
        }
    }

    @Test
    void aWatcherThatDoesNotAskForPingsGetsNone() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        try {
            watch.run(() -> NetworkGrpc.newStub(channel).watchEvents(WatchEventsRequest.newBuilder()
                    .addKinds(EventKind.EVENT_KIND_MIGRATION_FAILED).build(), collect(seen)));

            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(seen::isEmpty);
        } finally {
            watch.cancel(null);
        }
    }

    @Test
    void aConnectionThatAsksForPingsIsPingedKeptWhileItsClientPingsAndEndedWhenItFallsSilent() {
        ContainerRef room = client.get(GetOptions.kind("room").uuid("room-pings"));
        // The test profile's alive timeout.
        connectWithPings(room, NetworkGrpc.newStub(channel)::connect, Duration.ofSeconds(1));
    }

    @Test
    void aDirectConnectionThatAsksForPingsIsPingedKeptWhileItsClientPingsAndEndedWhenItFallsSilent() {
        ContainerRef room = client.get(GetOptions.kind("room").uuid("room-direct-pings"));
        ManagedChannel toAgent = ManagedChannelBuilder.forTarget(room.info().getEndpoint()).usePlaintext().build();
        try {
            // An agent's own alive timeout for its direct clients.
            connectWithPings(room, AgentGrpc.newStub(toAgent)::connect, Duration.ofSeconds(3));
        } finally {
            toAgent.shutdownNow();
        }
    }

    /**
     * Opens a Connect stream to {@code room} with pings every 100 ms; checks that the server pings, keeps the stream
     * while the client pings for twice {@code aliveTimeout}, and ends it UNAVAILABLE once the client has been silent
     * for {@code aliveTimeout}, disconnecting it from the container.
     */
    private void connectWithPings(ContainerRef room,
            Function<StreamObserver<ConnectEvent>, StreamObserver<ConnectFrame>> connect, Duration aliveTimeout) {
        List<ConnectEvent> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        StreamObserver<ConnectFrame> requests = connect.apply(new StreamObserver<>() {
            @Override
            public void onNext(ConnectEvent event) {
                seen.add(event);
            }

            @Override
            public void onError(Throwable failure) {
                ended.complete(failure);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        requests.onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(room.uuid())
                .setPingIntervalMs(100)).build());
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
        try {
            pinger.scheduleAtFixedRate(() -> requests.onNext(ConnectFrame.newBuilder()
                    .setPing(Ping.newBuilder().setSentAtMs(System.currentTimeMillis())).build()), 100, 100,
                    TimeUnit.MILLISECONDS);
            await().during(aliveTimeout.multipliedBy(2)).atMost(aliveTimeout.multipliedBy(3))
                    .until(() -> !ended.isDone());
            assertThat(seen).filteredOn(ConnectEvent::hasPing).hasSizeGreaterThanOrEqualTo(10);
            assertThat(seen).filteredOn(e -> !e.hasPing()).first().satisfies(e -> assertThat(e.hasReady()).isTrue());
            assertThat(room.request("post", "still here", Integer.class)).isEqualTo(1);
        } finally {
            pinger.shutdownNow();
        }
        long silentFrom = System.nanoTime();

        Throwable failure = ended.orTimeout(aliveTimeout.toSeconds() + 5, TimeUnit.SECONDS).join();

        assertThat(Duration.ofNanos(System.nanoTime() - silentFrom)).as("after the alive timeout, not before")
                .isGreaterThanOrEqualTo(aliveTimeout.minusMillis(100));
        assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Status.fromThrowable(failure).getDescription()).contains("no ping from the client for")
                .contains("connect again");
        await().atMost(Duration.ofSeconds(5)).until(() -> room.request("post", "nobody", Integer.class) == 0);
    }

    @Test
    void pingIntervalsOutOfBoundsAndMisplacedPingsAreRefusedSayingWhy() {
        NetworkGrpc.NetworkBlockingStub blocking = NetworkGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> blocking.watchEvents(WatchEventsRequest.newBuilder().setPingIntervalMs(50).build())
                .hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("ping_interval_ms must be 0 (no pings) or between 100 and 60000 ms, not 50");
                });
        assertThatThrownBy(() -> blocking.watchEvents(WatchEventsRequest.newBuilder()
                .addKinds(EventKind.EVENT_KIND_PING).build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                        .contains("kinds must not name EVENT_KIND_PING"));

        String room = client.get(GetOptions.kind("room").uuid("room-refusals")).uuid();
        assertThat(connectRefusal(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(room)
                .setPingIntervalMs(70_000)).build())).contains("ping_interval_ms must be 0 (no pings)");
        assertThat(connectRefusal(ConnectFrame.newBuilder().setPing(Ping.getDefaultInstance()).build()))
                .isEqualTo("the first frame must be 'open'");
        assertThat(connectRefusal(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(room)).build(),
                ConnectFrame.newBuilder().setPing(Ping.getDefaultInstance()).build()))
                .isEqualTo("'ping' is only sent on a stream opened with ping_interval_ms");
    }

    /** Sends {@code frames} on a Connect stream and answers the INVALID_ARGUMENT's description. */
    private String connectRefusal(ConnectFrame... frames) {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        StreamObserver<ConnectFrame> requests = NetworkGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ConnectEvent event) { }

            @Override
            public void onError(Throwable failure) {
                ended.complete(failure);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        for (ConnectFrame frame : frames) {
            requests.onNext(frame);
        }
        Status status = Status.fromThrowable(ended.orTimeout(5, TimeUnit.SECONDS).join());
        requests.onCompleted();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return status.getDescription();
    }

    private static StreamObserver<Event> collect(List<Event> seen) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Event event) {
                seen.add(event);
            }

            @Override
            public void onError(Throwable failure) { }

            @Override
            public void onCompleted() { }
        };
    }

    // ---- what operators and other tools rely on ----

    @Test
    void theStandardHealthServiceSaysServing() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void kindsAndAgentsAreListed() {
        assertThat(client.agents()).extracting(a -> a.getAgentId()).contains("test-agent");
        assertThat(client.kinds()).extracting(k -> k.getKind()).contains("echo", "room", "slow");
    }

    private int references(String uuid) {
        return client.containers(null, null, null).stream().filter(c -> c.getUuid().equals(uuid))
                .mapToInt(ContainerInfo::getReferences).findFirst().orElse(-1);
    }
}
