package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.client.Connection;
import dev.vnet.client.Json;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.CloseSessionRequest;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.DeleteContainerRequest;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.DrainAgentRequest;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.HistoryRequest;
import dev.vnet.proto.v1.KeepAliveRequest;
import dev.vnet.proto.v1.ListAgentsRequest;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.ListKindsRequest;
import dev.vnet.proto.v1.ListNodesRequest;
import dev.vnet.proto.v1.MigrateRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.OpenSessionRequest;
import dev.vnet.proto.v1.ReleaseRequest;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.ClientTls;
import dev.vnet.security.TestCertificates;
import dev.vnet.security.TestJwts;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A network and an agent with authentication and mutual TLS on, as separate processes: every permission allowed
 * and denied over the real services, tokens and JWTs, TLS failures that say what is wrong, denials in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

    /** Token name -> permissions; each token's secret is {@link #secret}. */
    private static final Map<String, String> TOKENS = Map.ofEntries(
            Map.entry("agent", "agent:register"),
            Map.entry("getter", "container:get"),
            Map.entry("caller", "container:get,container:request"),
            Map.entry("ha", "container:get,container:ha:create"),
            Map.entry("watcher", "events:watch"),
            Map.entry("reader", "admin:read"),
            Map.entry("ops", "migration:view,migration:manage,agent:drain,container:delete"),
            Map.entry("impostor", "agent:register"),
            Map.entry("intruder", "container:get,container:request"),
            Map.entry("acme", "container:get,container:request,admin:read"),
            Map.entry("globex", "container:get,container:request,admin:read"));
    /** Token name -> labels every container it reaches carries (a tenant). */
    private static final Map<String, String> TENANTS = Map.of("acme", "tenant=acme", "globex", "tenant=globex");
    /** Token name -> the agent ids it may serve. */
    private static final Map<String, String> AGENT_IDS = Map.of(
            "agent", "secure-agent",
            "impostor", "impostor-*");

    private final VnetProcesses processes = new VnetProcesses();
    private final TestJwts idp = new TestJwts();
    private TestCertificates certs;
    private ClientTls mutualTls;
    private VnetProcess network;
    private Endpoint endpoint;

    @BeforeAll
    void start() {
        Path dir = Path.of("target", "security-it").toAbsolutePath();
        certs = TestCertificates.createIn(dir);
        mutualTls = ClientTls.trusting(certs.ca()).withCertificate(certs.client().certificate(),
                certs.client().privateKey());
        Map<String, String> security = new LinkedHashMap<>();
        security.put("vnet.security.enabled", "true");
        TOKENS.forEach((name, permissions) -> {
            security.put("vnet.security.tokens." + name + ".secret", secret(name));
            security.put("vnet.security.tokens." + name + ".permissions", permissions);
        });
        AGENT_IDS.forEach((name, ids) -> security.put("vnet.security.tokens." + name + ".agent-ids", ids));
        TENANTS.forEach((name, labels) -> {
            security.put("vnet.security.tokens." + name + ".labels", labels);
            security.put("vnet.security.tokens." + name + ".kinds", "echo,chat");
        });
        security.put("vnet.security.jwt.public-key-file", idp.writePublicKey(dir.resolve("jwt.pem")).toString());
        security.put("vnet.security.jwt.issuer", TestJwts.ISSUER);
        security.put("vnet.security.jwt.audience", TestJwts.AUDIENCE);
        security.put("vnet.security.tls.certificate-file", certs.server().certificate().toString());
        security.put("vnet.security.tls.private-key-file", certs.server().privateKey().toString());
        security.put("vnet.security.tls.client-ca-file", certs.ca().toString());
        security.put("vnet.security.tls.client-certificates", "require");
        network = processes.network("secure-network", security).awaitReady(READY);
        endpoint = Endpoint.parse(network.endpoint());

        Map<String, String> agent = new HashMap<>(security);
        agent.put("vnet.agent.token", secret("agent"));
        agent.put("vnet.agent.network-tls.ca-file", certs.ca().toString());
        agent.put("vnet.agent.network-tls.certificate-file", certs.client().certificate().toString());
        agent.put("vnet.agent.network-tls.private-key-file", certs.client().privateKey().toString());
        processes.agent("secure-agent", network.endpoint(), agent).awaitReady(READY);
    }

    @AfterAll
    void stop() {
        processes.close();
    }

    // ---- permissions, each allowed and denied ----

    @Test
    void containerGetAndRequestOverTheSession() {
        try (VnetClient caller = client("caller"); VnetClient getter = client("getter")) {
            ContainerRef echo = caller.get(GetOptions.kind("echo").uuid("secured-echo"));
            assertThat(echo.request("say", Map.of("n", 1), Map.class)).isEqualTo(Map.of("n", 1));

            ContainerRef held = getter.get(GetOptions.kind("echo").uuid("secured-echo"));
            assertDenied(() -> held.request("say", Map.of("n", 2), Map.class), "container:request");
            assertThat(getter.release("secured-echo")).isEqualTo(1);
        }
    }

    @Test
    void directRequestsToTheAgentNeedContainerRequestToo() {
        try (VnetClient caller = client("caller"); VnetClient getter = client("getter")) {
            ContainerRef echo = caller.get(GetOptions.kind("echo").uuid("direct-echo"));
            assertThat(echo.requestDirect("say", List.of("x"), List.class)).isEqualTo(List.of("x"));

            ContainerRef held = getter.get(GetOptions.kind("echo").uuid("direct-echo"));
            assertDenied(() -> held.requestDirect("say", List.of("y"), List.class), "container:request");
        }
    }

    @Test
    void haContainersNeedContainerHaCreate() {
        try (VnetClient ha = client("ha"); VnetClient getter = client("getter")) {
            assertThat(ha.get(GetOptions.kind("kv").uuid("secured-ha").type(ContainerType.CONTAINER_TYPE_HA))
                    .info().getType()).isEqualTo(ContainerType.CONTAINER_TYPE_HA);
            assertDenied(() -> getter.get(GetOptions.kind("kv").uuid("other-ha").type(ContainerType.CONTAINER_TYPE_HA)),
                    "container:ha:create");
        }
    }

    @Test
    void adminReadEventsWatchAndAgentRegister() {
        int nodes = unary("reader", channel -> AdminGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .listNodes(ListNodesRequest.getDefaultInstance()).getNodesCount());
        assertThat(nodes).as("the coordinator, and the agents other tests registered").isPositive();
        assertThat(status("getter", channel -> NetworkGrpc.newBlockingStub(channel).listAgents(
                ListAgentsRequest.getDefaultInstance()))).isEqualTo(denied("admin:read"));

        Event first = unary("watcher", channel -> NetworkGrpc.newBlockingStub(channel).withDeadlineAfter(5,
                TimeUnit.SECONDS).watchEvents(WatchEventsRequest.newBuilder().setSnapshot(true).build()).next());
        assertThat(first.getKind()).isNotEqualTo(EventKind.EVENT_KIND_UNSPECIFIED);
        assertThat(status("getter", channel -> NetworkGrpc.newBlockingStub(channel).watchEvents(
                WatchEventsRequest.getDefaultInstance()).next())).isEqualTo(denied("events:watch"));

        assertThat(agentChannelStatus("getter")).isEqualTo(denied("agent:register"));
    }

    @Test
    void migrationViewMigrationManageAgentDrainAndContainerDelete() {
        // Allowed calls get past the guard and are answered on their merits (here: nothing by that name).
        int moves = unary("ops", channel -> AdminGrpc.newBlockingStub(channel).history(
                HistoryRequest.newBuilder().setUuid("nothing-here").build()).getMigrationsCount());
        assertThat(moves).isZero();
        assertThat(status("ops", channel -> AdminGrpc.newBlockingStub(channel).migrate(
                MigrateRequest.newBuilder().setUuid("nothing-here").build()))).startsWith("NOT_FOUND");
        assertThat(status("ops", channel -> AdminGrpc.newBlockingStub(channel).drain(
                DrainAgentRequest.newBuilder().setAgentId("nobody-here").build()))).startsWith("NOT_FOUND");
        assertThat(status("ops", channel -> AdminGrpc.newBlockingStub(channel).deleteContainer(
                DeleteContainerRequest.newBuilder().setUuid("nothing-here").build()))).startsWith("NOT_FOUND");

        assertThat(status("getter", channel -> AdminGrpc.newBlockingStub(channel).history(
                HistoryRequest.newBuilder().setUuid("x").build()))).isEqualTo(denied("migration:view"));
        assertThat(status("getter", channel -> AdminGrpc.newBlockingStub(channel).migrate(
                MigrateRequest.newBuilder().setUuid("x").build()))).isEqualTo(denied("migration:manage"));
        assertThat(status("getter", channel -> AdminGrpc.newBlockingStub(channel).drain(
                DrainAgentRequest.newBuilder().setAgentId("x").build()))).isEqualTo(denied("agent:drain"));
        assertThat(status("getter", channel -> AdminGrpc.newBlockingStub(channel).deleteContainer(
                DeleteContainerRequest.newBuilder().setUuid("x").build()))).isEqualTo(denied("container:delete"));
    }

    @Test
    void theSessionStreamNeedsContainerGet() {
        assertThatThrownBy(() -> client("watcher")).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("lacks permission container:get");
        });
    }

    // ---- sessions belong to the principal that opened them ----

    @Test
    void aSecondPrincipalCannotReleaseCloseUseOrEvictTheFirstsSessionOrConnection() throws Exception {
        List<Map<?, ?>> heard = new CopyOnWriteArrayList<>();
        try (VnetClient owner = client("caller")) {
            ContainerRef room = owner.get(GetOptions.kind("chat").uuid("owned-room"));
            String streamSession = owner.sessionId();
            String unarySession = unary("caller", channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                    OpenSessionRequest.newBuilder().setClientName("owner").build()).getSessionId());
            unary("caller", channel -> NetworkGrpc.newBlockingStub(channel).get(GetRequest.newBuilder()
                    .setSessionId(unarySession).setKind("chat").setUuid("owned-room").build()));
            try (Connection connection = room.connect(payload -> heard.add(Json.decode(payload, Map.class)))) {
                String nobody = "no-such-session-0000";
                for (String victim : List.of(streamSession, unarySession)) {
                    Function<String, List<String>> attempts = session -> List.of(
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).keepAlive(
                                    KeepAliveRequest.newBuilder().setSessionId(session).build())),
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).release(
                                    ReleaseRequest.newBuilder().setSessionId(session).setUuid("owned-room").build())),
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).get(GetRequest
                                    .newBuilder().setSessionId(session).setKind("chat").setUuid("owned-room")
                                    .build())),
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).request(
                                    chatPost(session, "forged"))),
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).send(
                                    chatPost(session, "forged"))),
                            networkConnectStatus("intruder", session),
                            status("intruder", channel -> NetworkGrpc.newBlockingStub(channel).closeSession(
                                    CloseSessionRequest.newBuilder().setSessionId(session).build())));
                    List<String> refused = attempts.apply(victim);
                    // Exactly what a session that does not exist gets: nothing tells the intruder it is someone's.
                    assertThat(refused).allSatisfy(status -> assertThat(status).startsWith("NOT_FOUND"));
                    assertThat(refused).isEqualTo(attempts.apply(nobody).stream()
                            .map(status -> status.replace(nobody, victim)).toList());
                }
                // On the agent itself: the owner's connection is not evicted, and the intruder hears nothing.
                assertThat(directConnectStatus("intruder", room.info().getEndpoint(), "owned-room", streamSession,
                        ByteString.EMPTY)).startsWith("PERMISSION_DENIED");

                Map<?, ?> posted = room.request("post", Map.of("text", "still mine"), Map.class);
                assertThat(posted.get("delivered")).isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream()
                        .anyMatch(m -> "still mine".equals(m.get("text"))));
                assertThat(heard).noneMatch(m -> "forged".equals(m.get("text")));
                assertThat(heard.toString()).doesNotContain(streamSession);
                long expiresAt = unary("caller", channel -> NetworkGrpc.newBlockingStub(channel).keepAlive(
                        KeepAliveRequest.newBuilder().setSessionId(unarySession).build()).getExpiresAtMs());
                assertThat(expiresAt).isPositive();
                int left = unary("caller", channel -> NetworkGrpc.newBlockingStub(channel).release(ReleaseRequest
                        .newBuilder().setSessionId(unarySession).setUuid("owned-room").build()).getReferences());
                assertThat(left).as("the owner's stream session still holds the room").isEqualTo(1);
            }
        }
    }

    @Test
    void aSecondPrincipalThatKnowsTheFirstsSessionIdCannotCallOrConnectDirectlyAsIt() throws Exception {
        List<Map<?, ?>> heard = new CopyOnWriteArrayList<>();
        try (VnetClient owner = client("caller")) {
            ContainerRef echo = owner.get(GetOptions.kind("echo").uuid("direct-owned-echo"));
            ContainerRef room = owner.get(GetOptions.kind("chat").uuid("direct-owned-room"));
            String agent = room.info().getEndpoint();
            String streamSession = owner.sessionId();
            // A raw client: a unary session, and the ticket the get on it answers with.
            String unarySession = openSession("caller");
            ByteString ownersTicket = getOn("caller", unarySession, "direct-owned-echo").getSessionTicket();
            assertThat(ownersTicket.size()).isEqualTo(32);
            String intrudersSession = openSession("intruder");
            ByteString intrudersTicket = getOn("intruder", intrudersSession, "direct-owned-echo").getSessionTicket();

            // The owner's direct calls work and are attributed to its sessions: the SDK's transparently.
            assertThat(echo.requestDirect("whoami", null, Map.class).get("client")).isEqualTo(streamSession);
            assertThat(directCallStatus("caller", agent, whoami(unarySession, ownersTicket), false))
                    .isEqualTo("OK client=" + unarySession);
            try (Connection connection = room.connectDirect(payload -> heard.add(Json.decode(payload, Map.class)))) {
                assertThat(connection.clientId()).isEqualTo(streamSession);
                Map<?, ?> posted = room.requestDirect("post", Map.of("text", "mine, direct"), Map.class);
                assertThat(posted.get("delivered")).isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream()
                        .anyMatch(m -> "mine, direct".equals(m.get("text"))));
                assertThat(heard.get(0).get("you")).as("the connection and the post are one member")
                        .isEqualTo(posted.get("you"));

                String nobody = "no-such-session-0000";
                for (String victim : List.of(streamSession, unarySession)) {
                    Function<String, List<String>> attempts = session -> List.of(
                            directCallStatus("intruder", agent, whoami(session, ByteString.EMPTY), false),
                            directCallStatus("intruder", agent, whoami(session, ownersTicket), false),
                            directCallStatus("intruder", agent, whoami(session, intrudersTicket), false),
                            directCallStatus("intruder", agent, whoami(session, ownersTicket), true),
                            directConnectStatus("intruder", agent, "direct-owned-room", session, ByteString.EMPTY),
                            directConnectStatus("intruder", agent, "direct-owned-room", session, ownersTicket));
                    List<String> refused = attempts.apply(victim);
                    // The same answer as for a session that does not exist: nothing tells it is someone's.
                    assertThat(refused).allSatisfy(status -> assertThat(status).startsWith("PERMISSION_DENIED")
                            .contains("session_ticket"));
                    assertThat(refused).isEqualTo(attempts.apply(nobody).stream()
                            .map(status -> status.replace(nobody, victim)).toList());
                }
                // A one-way send gets no answer: the call after it on the same stream (the agent hands both to the
                // room in order) shows that the forged post was dropped.
                assertThat(directSendThenPost("intruder", agent, post("direct-owned-room", streamSession,
                        ownersTicket, "forged"), post("direct-owned-room", "", ByteString.EMPTY, "marker")))
                        .startsWith("OK");
                await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream()
                        .anyMatch(m -> "marker".equals(m.get("text"))));
                assertThat(heard).noneMatch(m -> "forged".equals(m.get("text")));
                assertThat(connection.isOpen()).as("the owner's connection was not evicted").isTrue();
            }
        }
    }

    @Test
    void closingAStreamSessionEndsItsStreamWithAClearStatus() throws Exception {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(mutualTls, secret("caller")));
        try {
            CompletableFuture<String> welcome = new CompletableFuture<>();
            CompletableFuture<String> ended = new CompletableFuture<>();
            StreamObserver<ClientFrame> frames = NetworkGrpc.newStub(channel).session(new StreamObserver<>() {
                @Override
                public void onNext(ServerFrame frame) {
                    if (frame.hasWelcome()) {
                        welcome.complete(frame.getWelcome().getSessionId());
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    Status status = Status.fromThrowable(failure);
                    ended.complete(status.getCode() + " " + status.getDescription());
                }

                @Override
                public void onCompleted() {
                    ended.complete("OK");
                }
            });
            frames.onNext(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName("closed"))
                    .build());
            String session = welcome.get(20, TimeUnit.SECONDS);
            unary("caller", c -> NetworkGrpc.newBlockingStub(c).closeSession(CloseSessionRequest.newBuilder()
                    .setSessionId(session).build()));
            assertThat(ended.get(20, TimeUnit.SECONDS)).isEqualTo("UNAVAILABLE session " + session
                    + " was closed by CloseSession");
        } finally {
            channel.shutdownNow();
        }
    }

    // ---- tenants ----

    @Test
    void aTenantScopedTokenSeesAndReachesOnlyItsTenantsContainers() {
        try (VnetClient acme = client("acme"); VnetClient globex = client("globex")) {
            ContainerRef own = acme.get(GetOptions.kind("echo").uuid("acme-echo").labels("tenant=acme"));
            assertThat(own.request("say", Map.of("n", 1), Map.class)).isEqualTo(Map.of("n", 1));
            assertThat(own.requestDirect("say", Map.of("n", 2), Map.class)).isEqualTo(Map.of("n", 2));
            ContainerRef foreign = globex.get(GetOptions.kind("echo").uuid("globex-echo").labels("tenant=globex"));

            // What it asks for must be in its scope: said plainly, since it named the kind and labels itself.
            assertThatThrownBy(() -> acme.get(GetOptions.kind("echo").uuid("unlabelled")))
                    .hasMessageContaining("may use only containers of kinds chat,echo with labels tenant=acme");
            assertThatThrownBy(() -> acme.get(GetOptions.kind("kv").labels("tenant=acme")))
                    .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.code())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            // Another tenant's containers are answered as containers that do not exist, on every path.
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> reachForeign = List.of(
                    () -> acme.get(GetOptions.kind("echo").uuid("globex-echo").labels("tenant=acme")),
                    () -> acme.request("globex-echo", "say", Map.of("n", 3), Map.class),
                    () -> acme.send("globex-echo", "say", Map.of("n", 4)),
                    () -> acme.release("globex-echo"),
                    () -> acme.connect("globex-echo", payload -> { }).close());
            for (var attempt : reachForeign) {
                assertThatThrownBy(attempt).isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.code())
                        .isEqualTo(Status.Code.NOT_FOUND));
            }
            assertThat(directRequestStatus("acme", foreign.info().getEndpoint(), "globex-echo"))
                    .startsWith("NOT_FOUND");
            assertThat(directConnectStatus("acme", foreign.info().getEndpoint(), "globex-echo", "", ByteString.EMPTY))
                    .startsWith("NOT_FOUND");

            List<ContainerInfo> listed = unary("acme", channel -> NetworkGrpc.newBlockingStub(channel)
                    .listContainers(ListContainersRequest.getDefaultInstance()).getContainersList());
            assertThat(listed).extracting(ContainerInfo::getUuid).contains("acme-echo").doesNotContain("globex-echo");
            assertThat(listed).allSatisfy(c -> assertThat(c.getLabelsList()).contains("tenant=acme"));
            List<String> kinds = unary("acme", channel -> NetworkGrpc.newBlockingStub(channel).listKinds(
                    ListKindsRequest.getDefaultInstance()).getKindsList().stream().map(k -> k.getKind()).toList());
            assertThat(kinds).containsExactlyInAnyOrder("echo", "chat");
            assertThat(foreign.request("say", Map.of("n", 5), Map.class)).isEqualTo(Map.of("n", 5));
        }
    }

    // ---- agent ids belong to credentials ----

    @Test
    void anImpostorTokenCannotRegisterAsReplaceOrStandByForAnotherAgentWhileItServes() throws Exception {
        AgentInfo real = unary("reader", channel -> NetworkGrpc.newBlockingStub(channel).listAgents(
                ListAgentsRequest.getDefaultInstance())).getAgentsList().stream()
                .filter(agent -> agent.getAgentId().equals("secure-agent")).findFirst().orElseThrow();
        try (VnetClient caller = client("caller")) {
            ContainerRef echo = caller.get(GetOptions.kind("echo").uuid("impersonated-echo"));
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicBoolean calling = new AtomicBoolean(true);
            Thread calls = new Thread(() -> {
                for (int n = 0; calling.get(); n++) {
                    try {
                        Map<?, ?> reply = echo.request("say", Map.of("n", n), Map.class);
                        (reply.equals(Map.of("n", n)) ? answered : wrong).incrementAndGet();
                    } catch (VnetException failed) {
                        wrong.incrementAndGet(); // the real agent answers every call: a failure is not expected
                    }
                }
            });
            calls.start();
            try {
                AgentRegister replace = registration("secure-agent", real.getInstanceId()).build();
                AgentRegister standBy = registration("secure-agent", "impostor-instance").build();
                for (AgentRegister attempt : List.of(replace, standBy)) {
                    assertThat(register("impostor", attempt)).startsWith("PERMISSION_DENIED impostor may not serve "
                            + "agent id secure-agent").contains("agent-ids");
                }
                // Its own ids it may serve; a second stream for that live instance needs the instance's secret.
                try (AgentStreamProbe own = new AgentStreamProbe("impostor",
                        registration("impostor-1", "i-1").build())) {
                    assertThat(own.firstAnswer()).isEqualTo("AGENT_STATE_ACTIVE");
                    assertThat(register("impostor", registration("impostor-1", "i-1").build()))
                            .startsWith("PERMISSION_DENIED").contains("instance_secret");
                    assertThat(register("agent", registration("impostor-1", "i-2").build()))
                            .startsWith("PERMISSION_DENIED agent may not serve agent id impostor-1");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 20);
            } finally {
                calling.set(false);
                calls.join(30_000);
            }
            assertThat(wrong.get()).as("forged or failed replies").isZero();
        }
        AgentInfo after = unary("reader", channel -> NetworkGrpc.newBlockingStub(channel).listAgents(
                ListAgentsRequest.getDefaultInstance())).getAgentsList().stream()
                .filter(agent -> agent.getAgentId().equals("secure-agent")).findFirst().orElseThrow();
        assertThat(after.getInstanceId()).isEqualTo(real.getInstanceId());
        assertThat(after.getEndpoint()).isEqualTo(real.getEndpoint());
    }

    // ---- tokens ----

    @Test
    void missingAndUnknownTokensAreUnauthenticatedAndDenialsAreLoggedWithoutTheToken() {
        assertThat(status(null, channel -> NetworkGrpc.newBlockingStub(channel).listKinds(
                ListKindsRequest.getDefaultInstance()))).startsWith("UNAUTHENTICATED");
        String wrong = "this-is-not-a-configured-token";
        assertThat(statusWithSecret(wrong, channel -> NetworkGrpc.newBlockingStub(channel).listKinds(
                ListKindsRequest.getDefaultInstance())))
                .startsWith("UNAUTHENTICATED").contains("unknown token");
        assertThatThrownBy(() -> VnetClient.builder().network(network.endpoint()).tls(mutualTls).build()
                .awaitConnected(READY))
                .isInstanceOfSatisfying(VnetException.class, e -> assertThat(e.code())
                        .isEqualTo(Status.Code.UNAUTHENTICATED));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(network.logTail(400))
                .contains("denied vnet.v1.Network/ListKinds to a caller with a bad token")
                .contains("denied vnet.v1.Network/ListKinds to an anonymous caller"));
        String log = network.logTail(2000);
        assertThat(log).doesNotContain(wrong);
        TOKENS.keySet().forEach(name -> assertThat(log).doesNotContain(secret(name)));
    }

    @Test
    void jwtsFromTheConfiguredIssuerAreAcceptedUntilTheyExpire() {
        String jwt = idp.sign("jwt-user", List.of("admin:read"), 300);
        int kinds = unaryWithSecret(jwt, channel -> NetworkGrpc.newBlockingStub(channel).listKinds(
                ListKindsRequest.getDefaultInstance()).getKindsCount());
        assertThat(kinds).isGreaterThan(0);
        assertThat(statusWithSecret(jwt, channel -> NetworkGrpc.newBlockingStub(channel).watchEvents(
                WatchEventsRequest.getDefaultInstance()).next()))
                .isEqualTo("PERMISSION_DENIED jwt-user lacks permission events:watch");
        String expired = idp.sign("jwt-user", List.of("admin:read"), -120);
        assertThat(statusWithSecret(expired, channel -> NetworkGrpc.newBlockingStub(channel).listKinds(
                ListKindsRequest.getDefaultInstance()))).contains("expired");
    }

    // ---- TLS ----

    @Test
    void plaintextAndCertificateLessClientsAreToldWhatIsWrong() {
        VnetClient plaintext = VnetClient.builder().network(network.endpoint()).token(secret("caller")).build();
        try {
            assertThatThrownBy(() -> plaintext.awaitConnected(Duration.ofSeconds(3)))
                    .hasMessageContaining("may require TLS");
        } finally {
            plaintext.close();
        }
        VnetClient noCertificate = VnetClient.builder().network(network.endpoint()).token(secret("caller"))
                .tls(ClientTls.trusting(certs.ca())).build();
        try {
            assertThatThrownBy(() -> noCertificate.awaitConnected(Duration.ofSeconds(3)))
                    .hasMessageContaining("UNAVAILABLE");
        } finally {
            noCertificate.close();
        }
    }

    // ---- helpers ----

    private VnetClient client(String token) {
        return VnetClient.builder().network(network.endpoint()).token(secret(token)).tls(mutualTls)
                .timeout(Duration.ofSeconds(10)).build().awaitConnected(READY);
    }

    private static String secret(String name) {
        return "secret-of-" + name + "-0123456789abcdef";
    }

    private static String denied(String permission) {
        return "PERMISSION_DENIED getter lacks permission " + permission;
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String permission) {
        assertThatThrownBy(call).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("lacks permission " + permission);
        });
    }

    private <T> T unary(String token, Function<ManagedChannel, T> call) {
        return unaryWithSecret(secret(token), call);
    }

    private <T> T unaryWithSecret(String secret, Function<ManagedChannel, T> call) {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(mutualTls, secret));
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The status a call ends with, as "CODE description" ("OK" when it succeeds), without the method it names. */
    private String status(String token, Function<ManagedChannel, ?> call) {
        return statusWithSecret(token == null ? null : secret(token), call);
    }

    private String statusWithSecret(String secret, Function<ManagedChannel, ?> call) {
        try {
            unaryWithSecret(secret, call);
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " "
                    + String.valueOf(e.getStatus().getDescription()).replaceAll(", which .*", "");
        }
    }

    private static ContainerRequest chatPost(String session, String text) {
        return ContainerRequest.newBuilder().setSessionId(session).setUuid("owned-room").setOperation("post")
                .setPayload(Json.encode(Map.of("text", text))).build();
    }

    /** Connects through the network as {@code session}; answers the first event's kind, or how the stream ended. */
    private String networkConnectStatus(String token, String session) {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(mutualTls, secret(token)));
        try {
            return connectStatus(NetworkGrpc.newStub(channel)::connect, "owned-room", session, ByteString.EMPTY);
        } finally {
            channel.shutdownNow();
        }
    }

    private String openSession(String token) {
        return unary(token, channel -> NetworkGrpc.newBlockingStub(channel).openSession(
                OpenSessionRequest.newBuilder().setClientName(token).build()).getSessionId());
    }

    /** A unary get of an echo container on {@code session}. */
    private GetResponse getOn(String token, String session, String uuid) {
        return unary(token, channel -> NetworkGrpc.newBlockingStub(channel).get(GetRequest.newBuilder()
                .setSessionId(session).setKind("echo").setUuid(uuid).build()));
    }

    private static ContainerRequest whoami(String session, ByteString ticket) {
        return ContainerRequest.newBuilder().setUuid("direct-owned-echo").setOperation("whoami")
                .setSessionId(session).setSessionTicket(ticket).build();
    }

    private static ContainerRequest post(String room, String session, ByteString ticket, String text) {
        return ContainerRequest.newBuilder().setUuid(room).setOperation("post").setSessionId(session)
                .setSessionTicket(ticket).setPayload(Json.encode(Map.of("text", text))).build();
    }

    /**
     * One direct call, as a unary {@code Agent.Request} or on an {@code Agent.Calls} stream: "OK client=..." with
     * the client id the container saw, or the status it ends with.
     */
    private String directCallStatus(String token, String agentEndpoint, ContainerRequest request, boolean onStream) {
        ManagedChannel channel = Grpc.channel(Endpoint.parse(agentEndpoint), 1 << 20,
                new ChannelSecurity(mutualTls, secret(token)));
        try {
            if (!onStream) {
                return "OK client=" + Json.decode(AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20,
                        TimeUnit.SECONDS).request(request).getPayload(), Map.class).get("client");
            }
            DirectResult result = directResults(channel, List.of(DirectCall.newBuilder().setCallId(1)
                    .setRequest(request).build())).get(20, TimeUnit.SECONDS);
            return result.hasReply() ? "OK client=" + Json.decode(result.getReply().getPayload(), Map.class)
                    .get("client") : Status.fromCodeValue(result.getError().getCode()).getCode() + " "
                    + result.getError().getMessage();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " " + e.getStatus().getDescription();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            channel.shutdownNow();
        }
    }

    /** On one {@code Agent.Calls} stream, {@code oneWay} one-way, then {@code request}: how the request ends. */
    private String directSendThenPost(String token, String agentEndpoint, ContainerRequest oneWay,
            ContainerRequest request) throws Exception {
        ManagedChannel channel = Grpc.channel(Endpoint.parse(agentEndpoint), 1 << 20,
                new ChannelSecurity(mutualTls, secret(token)));
        try {
            DirectResult result = directResults(channel, List.of(
                    DirectCall.newBuilder().setCallId(1).setRequest(oneWay).setOneWay(true).build(),
                    DirectCall.newBuilder().setCallId(2).setRequest(request).build())).get(20, TimeUnit.SECONDS);
            return result.hasReply() ? "OK" : result.getError().getCode() + " " + result.getError().getMessage();
        } finally {
            channel.shutdownNow();
        }
    }

    /** Sends {@code calls} on one Calls stream; completes with the first result (one-way calls have none). */
    private static CompletableFuture<DirectResult> directResults(ManagedChannel channel, List<DirectCall> calls) {
        CompletableFuture<DirectResult> first = new CompletableFuture<>();
        StreamObserver<DirectCall> out = AgentGrpc.newStub(channel).calls(new StreamObserver<>() {
            @Override
            public void onNext(DirectResult result) {
                first.complete(result);
            }

            @Override
            public void onError(Throwable failure) {
                first.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                first.completeExceptionally(new IllegalStateException("the Calls stream ended without a result"));
            }
        });
        calls.forEach(out::onNext);
        return first;
    }

    /** A direct request to an agent: "OK", or the status it ends with. */
    private String directRequestStatus(String token, String agentEndpoint, String uuid) {
        ManagedChannel channel = Grpc.channel(Endpoint.parse(agentEndpoint), 1 << 20,
                new ChannelSecurity(mutualTls, secret(token)));
        try {
            AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).request(ContainerRequest
                    .newBuilder().setUuid(uuid).setOperation("say").setPayload(Json.encode(Map.of("n", 6))).build());
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " " + e.getStatus().getDescription();
        } finally {
            channel.shutdownNow();
        }
    }

    /** Connects straight to an agent as {@code session}, with {@code ticket}. */
    private String directConnectStatus(String token, String agentEndpoint, String uuid, String session,
            ByteString ticket) {
        ManagedChannel channel = Grpc.channel(Endpoint.parse(agentEndpoint), 1 << 20,
                new ChannelSecurity(mutualTls, secret(token)));
        try {
            return connectStatus(AgentGrpc.newStub(channel)::connect, uuid, session, ticket);
        } finally {
            channel.shutdownNow();
        }
    }

    private static String connectStatus(Function<StreamObserver<ConnectEvent>, StreamObserver<ConnectFrame>> open,
            String uuid, String session, ByteString ticket) {
        CompletableFuture<String> first = new CompletableFuture<>();
        StreamObserver<ConnectFrame> frames = open.apply(new StreamObserver<>() {
            @Override
            public void onNext(ConnectEvent event) {
                first.complete(event.getEventCase().name());
            }

            @Override
            public void onError(Throwable failure) {
                Status status = Status.fromThrowable(failure);
                first.complete(status.getCode() + " " + status.getDescription());
            }

            @Override
            public void onCompleted() {
                first.complete("completed");
            }
        });
        frames.onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(uuid)
                .setSessionId(session).setSessionTicket(ticket)).build());
        try {
            return first.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgentRegister.Builder registration(String agentId, String instanceId) {
        return AgentRegister.newBuilder().setAgentId(agentId).setInstanceId(instanceId).setEndpoint("127.0.0.1:9");
    }

    /** Registers with this token and answers the acknowledgement's state, or how the stream ended. */
    private String register(String token, AgentRegister registration) throws Exception {
        try (AgentStreamProbe probe = new AgentStreamProbe(token, registration)) {
            return probe.firstAnswer();
        }
    }

    /** An agent stream that sends one registration and stays open until closed. */
    private final class AgentStreamProbe implements AutoCloseable {

        private final ManagedChannel channel;
        private final CompletableFuture<String> first = new CompletableFuture<>();

        AgentStreamProbe(String token, AgentRegister registration) {
            channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(mutualTls, secret(token)));
            StreamObserver<AgentFrame> frames = AgentChannelGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(NetworkFrame frame) {
                    first.complete(frame.hasRegistered() ? frame.getRegistered().getState().name()
                            : frame.getFrameCase().name());
                }

                @Override
                public void onError(Throwable failure) {
                    Status status = Status.fromThrowable(failure);
                    first.complete(status.getCode() + " " + status.getDescription());
                }

                @Override
                public void onCompleted() {
                    first.complete("completed");
                }
            });
            frames.onNext(AgentFrame.newBuilder().setRegister(registration).build());
        }

        String firstAnswer() throws Exception {
            return first.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }

    /** Opens an agent stream with this token and answers how it ends. */
    private String agentChannelStatus(String token) {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(mutualTls, secret(token)));
        try {
            CompletableFuture<String> ended = new CompletableFuture<>();
            StreamObserver<AgentFrame> frames = AgentChannelGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(NetworkFrame frame) {
                    ended.complete("answered");
                }

                @Override
                public void onError(Throwable failure) {
                    Status status = Status.fromThrowable(failure);
                    ended.complete(status.getCode() + " " + status.getDescription().replaceAll(", which .*", ""));
                }

                @Override
                public void onCompleted() {
                    ended.complete("completed");
                }
            });
            frames.onNext(AgentFrame.getDefaultInstance());
            return ended.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            channel.shutdownNow();
        }
    }
}
