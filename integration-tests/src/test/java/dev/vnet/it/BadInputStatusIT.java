package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.ListNodesRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Errors;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.RawCalls;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input gets its own status, on the network's port and the agent's, and the processes serve
 * others meanwhile: bytes that are no message at all, streams past the per-connection limit, streams that never
 * say anything, fields out of the contract's bounds, huge error messages, calls sent before 'welcome', an agent
 * that falls silent, placeholder secrets.
 */
class BadInputStatusIT {

    private static final int NETWORK_STREAMS = 60;
    private static final int AGENT_STREAMS = 40;
    private static final Duration FIRST_MESSAGE = Duration.ofSeconds(2);
    private static final Duration READY = Duration.ofSeconds(180);

    private static VnetProcesses processes;
    private static VnetProcess network;
    private static VnetProcess agent;
    private static ManagedChannel toNetwork;
    private static ManagedChannel toAgent;
    private static VnetClient client;
    private static ContainerRef echo;

    @BeforeAll
    static void start() {
        processes = new VnetProcesses();
        network = processes.network("statuses-network", Map.of(
                "vnet.network.limits.max-streams-per-connection", Integer.toString(NETWORK_STREAMS),
                "vnet.network.limits.first-message-timeout", FIRST_MESSAGE.toMillis() + "ms"));
        agent = processes.agent("statuses-agent", network.endpoint(), Map.of(
                "vnet.agent.max-streams-per-connection", Integer.toString(AGENT_STREAMS),
                "vnet.agent.first-message-timeout", FIRST_MESSAGE.toMillis() + "ms"));
        network.awaitReady(READY);
        agent.awaitReady(READY);
        toNetwork = Grpc.channel(Endpoint.parse(network.endpoint()), 8 << 20, ChannelSecurity.NONE);
        toAgent = Grpc.channel(Endpoint.parse(agent.endpoint()), 8 << 20, ChannelSecurity.NONE);
        client = VnetClient.builder().network(network.endpoint()).timeout(Duration.ofSeconds(30)).build()
                .awaitConnected(Duration.ofSeconds(30));
        echo = client.get(GetOptions.kind("echo").uuid("statuses-echo"));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (toNetwork != null) {
            toNetwork.shutdownNow();
            toAgent.shutdownNow();
        }
        processes.close();
    }

    // ---- bytes that are no message ----

    @Test
    void bytesThatDoNotDecodeAreInvalidArgumentOnBothPortsAndLoggedAtMostOnceASecond() throws Exception {
        Random random = new Random(42);
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            byte[] garbage = garbage(random);
            assertThat(rawUnary(toNetwork, NetworkGrpc.getGetMethod(), garbage).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            if (i % 10 == 0) {
                assertThat(rawUnary(toNetwork, AdminGrpc.getListNodesMethod(), garbage).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(rawUnary(toAgent, AgentGrpc.getRequestMethod(), garbage).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(rawStream(toNetwork, NetworkGrpc.getSessionMethod(), garbage).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(rawStream(toNetwork, AgentChannelGrpc.getConnectMethod(), garbage).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(rawStream(toAgent, AgentGrpc.getConnectMethod(), garbage).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

        for (VnetProcess process : List.of(network, agent)) {
            garbageOnTheSocket(process.grpcPort(), random);
            String log = process.logTail(100_000);
            assertThat(log).doesNotContain("SEVERE").doesNotContain("Application error processing RPC");
            long logged = log.lines().filter(line -> line.contains("/Get from")
                    || line.contains("/Request from")).count();
            assertThat(logged).as("undecodable Get/Request messages logged in %d s", seconds)
                    .isBetween(1L, seconds + 1);
        }
        assertThat(echo.request("echo", "still here", String.class)).isEqualTo("still here");
        assertThat(network.healthStatus("ready")).isEqualTo(200);
        assertThat(agent.healthStatus("ready")).isEqualTo(200);
    }

    /** Random bytes that no protobuf parser accepts: they start with a tag of the invalid wire type 7. */
    private static byte[] garbage(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        bytes[0] = (byte) ((random.nextInt(15) + 1) << 3 | 7);
        return bytes;
    }

    /** Raw bytes and a broken HTTP/2 frame straight on the socket: the server closes that connection, nothing more. */
    private static void garbageOnTheSocket(int port, Random random) throws IOException {
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] brokenFrame = {0x00, 0x00, 0x08, (byte) 0xee, (byte) 0xff, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            1, 2, 3, 4, 5, 6, 7, 8};
        for (byte[][] sent : List.of(new byte[][] {noise}, new byte[][] {preface, brokenFrame, noise})) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                try {
                    for (byte[] part : sent) {
                        out.write(part);
                    }
                    out.flush();
                } catch (IOException closedWhileWriting) {
                    continue; // the server already closed it: what we wanted
                }
                InputStream in = socket.getInputStream();
                try {
                    while (in.read(new byte[1024]) >= 0) {
                        // drain what the server says (a GOAWAY) until it closes the connection
                    }
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("port " + port + " kept a connection that sent garbage open", e);
                } catch (IOException reset) {
                    // closed with a reset: fine too
                }
            }
        }
    }

    // ---- streams per connection and the first message ----

    @Test
    void aConnectionPastItsStreamLimitIsRefusedWhileOthersAreServed() throws Exception {
        ManagedChannel own = Grpc.channel(Endpoint.parse(network.endpoint()), 1 << 20, ChannelSecurity.NONE);
        ManagedChannel ownToAgent = Grpc.channel(Endpoint.parse(agent.endpoint()), 1 << 20, ChannelSecurity.NONE);
        try {
            // Watches stay open without a word from the client: exactly the streams a connection may hold.
            WatchEventsRequest snapshot = WatchEventsRequest.newBuilder().setSnapshot(true).build();
            for (int i = 0; i < NETWORK_STREAMS; i++) {
                Ended watch = new Ended();
                NetworkGrpc.newStub(own).watchEvents(snapshot, watch.observer());
                watch.first.get(60, TimeUnit.SECONDS);
            }
            Ended refused = new Ended();
            NetworkGrpc.newStub(own).watchEvents(snapshot, refused.observer());
            Status status = refused.status.get(30, TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status.getDescription()).contains("vnet.network.limits.max-streams-per-connection");
            assertThat(echo.request("echo", "meanwhile", String.class)).isEqualTo("meanwhile");

            Ended calls = null;
            for (int i = 0; i <= AGENT_STREAMS; i++) {
                calls = new Ended();
                AgentGrpc.newStub(ownToAgent).calls(calls.observer()).onNext(DirectCall.newBuilder().setCallId(1)
                        .setRequest(echoRequest("direct-" + i)).build());
                if (i < AGENT_STREAMS) {
                    calls.first.get(60, TimeUnit.SECONDS);
                }
            }
            Status agentStatus = calls.status.get(30, TimeUnit.SECONDS);
            assertThat(agentStatus.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(agentStatus.getDescription()).contains("vnet.agent.max-streams-per-connection");
            assertThat(AgentGrpc.newBlockingStub(toAgent).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .request(echoRequest("meanwhile")).getPayload().getData().toStringUtf8()).contains("meanwhile");
        } finally {
            own.shutdownNow();
            ownToAgent.shutdownNow();
        }
    }

    @Test
    void aStreamThatSendsNothingEndsAtTheFirstMessageDeadlineOnBothPorts() throws Exception {
        Ended silentSession = new Ended();
        NetworkGrpc.newStub(toNetwork).session(silentSession.observer());
        Ended silentConnect = new Ended();
        AgentGrpc.newStub(toAgent).connect(silentConnect.observer());

        for (Ended silent : List.of(silentSession, silentConnect)) {
            Status status = silent.status.get(60, TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(status.getDescription()).contains("first-message-timeout");
        }
        assertThat(echo.request("echo", "served", String.class)).isEqualTo("served");
    }

    // ---- fields out of bounds ----

    @Test
    void fieldsOutOfTheContractsBoundsAreInvalidArgumentOnBothPorts() {
        assertInvalid(() -> AdminGrpc.newBlockingStub(toNetwork).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listNodes(ListNodesRequest.newBuilder().setStatusValue(99).build()), "status");
        for (double cpu : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}) {
            assertInvalid(() -> NetworkGrpc.newBlockingStub(toNetwork).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .get(GetRequest.newBuilder().setKind("echo").setResources(Resources.newBuilder().setCpu(cpu))
                            .build()), "resources.cpu");
        }
        ContainerRequest traced = echoRequest("traced").toBuilder()
                .putTraceContext("traceparent", "t".repeat(1 << 20)).build();
        assertInvalid(() -> NetworkGrpc.newBlockingStub(toNetwork).withDeadlineAfter(30, TimeUnit.SECONDS)
                .request(traced), "trace_context");
        assertInvalid(() -> AgentGrpc.newBlockingStub(toAgent).withDeadlineAfter(30, TimeUnit.SECONDS)
                .request(traced), "trace_context");
        ContainerRequest negative = echoRequest("negative").toBuilder().setTimeoutMs(-5).build();
        assertInvalid(() -> NetworkGrpc.newBlockingStub(toNetwork).withDeadlineAfter(30, TimeUnit.SECONDS)
                .request(negative), "timeout_ms");
        assertInvalid(() -> AgentGrpc.newBlockingStub(toAgent).withDeadlineAfter(30, TimeUnit.SECONDS)
                .request(negative), "timeout_ms");
    }

    private static void assertInvalid(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(field);
        });
    }

    // ---- huge error messages ----

    @Test
    void aHugeContainerErrorArrivesCutAndPromptlyOnEveryPath() {
        ContainerRequest failing = ContainerRequest.newBuilder().setUuid(echo.uuid()).setOperation("fail")
                .setPayload(json("\"" + "e".repeat(100_000) + "\"")).build();
        List<Function<ContainerRequest, Object>> paths = List.of(
                request -> NetworkGrpc.newBlockingStub(toNetwork).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .request(request),
                request -> AgentGrpc.newBlockingStub(toAgent).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .request(request));
        for (Function<ContainerRequest, Object> path : paths) {
            assertThatThrownBy(() -> path.apply(failing)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
                        assertThat(e.getStatus().getDescription()).contains("eeee").contains("cut:")
                                .hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
                    });
        }
        assertThatThrownBy(() -> echo.request("fail", "e".repeat(100_000), String.class))
                .hasMessageContaining("cut:");
        assertThat(echo.request("echo", "after", String.class)).isEqualTo("after");
    }

    // ---- order of frames on a session ----

    @Test
    void aCallSentRightAfterHelloIsHandledInOrder() throws Exception {
        List<CompletableFuture<ServerFrame>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<ServerFrame> answer = new CompletableFuture<>();
            answers.add(answer);
            StreamObserver<ClientFrame> frames = NetworkGrpc.newStub(toNetwork).session(new StreamObserver<>() {
                @Override
                public void onNext(ServerFrame frame) {
                    if (frame.getCallId() == 7) {
                        answer.complete(frame);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                }

                @Override
                public void onCompleted() { }
            });
            frames.onNext(hello("eager-" + i));
            frames.onNext(ClientFrame.newBuilder().setCallId(7).setRequest(echoRequest("eager-" + i)).build());
        }
        for (CompletableFuture<ServerFrame> answer : answers) {
            ServerFrame frame = answer.get(60, TimeUnit.SECONDS);
            assertThat(frame.hasReply()).as("answer %s", frame).isTrue();
        }
    }

    // ---- an agent that falls silent ----

    @Test
    void anAgentDroppedForSilenceIsToldUnavailableAndWhy() throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<AgentFrame> frames = AgentChannelGrpc.newStub(toNetwork).connect(new StreamObserver<>() {
            @Override
            public void onNext(NetworkFrame frame) { }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        frames.onNext(AgentFrame.newBuilder().setRegister(AgentRegister.newBuilder().setAgentId("silent-agent")
                .setInstanceId("silent-1").setEndpoint("127.0.0.1:1").addKinds("silent")).build());

        Status status = ended.get(60, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("no heartbeat");
    }

    // ---- ready first ----

    @Test
    void readyComesFirstOnADirectConnection() throws Exception {
        ContainerRef room = client.get(GetOptions.kind("chat").uuid("statuses-room"));
        ManagedChannel toItsAgent = Grpc.channel(Endpoint.parse(room.info().getEndpoint()), 1 << 20,
                ChannelSecurity.NONE);
        List<ConnectEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> two = new CompletableFuture<>();
        StreamObserver<ConnectFrame> frames = AgentGrpc.newStub(toItsAgent).connect(new StreamObserver<>() {
            @Override
            public void onNext(ConnectEvent event) {
                events.add(event);
                if (events.size() == 2) {
                    two.complete(null);
                }
            }

            @Override
            public void onError(Throwable t) {
                two.completeExceptionally(t);
            }

            @Override
            public void onCompleted() { }
        });
        frames.onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(room.uuid())).build());

        two.get(60, TimeUnit.SECONDS);
        assertThat(events.get(0).hasReady()).as("first event %s", events.get(0)).isTrue();
        assertThat(events.get(1).getBroadcast().getData().toStringUtf8()).contains("welcome");
        frames.onCompleted();
        toItsAgent.shutdownNow();
    }

    // ---- placeholder secrets ----

    @Test
    void theNetworkAndTheAgentRefuseToStartWithAPlaceholderSecret() {
        VnetProcess refusedNetwork = processes.network("placeholder-network", Map.of(
                "vnet.security.enabled", "true",
                "vnet.security.tokens.ops.secret", "change-me-ops-0000000000000000000",
                "vnet.security.tokens.ops.permissions", "*"));
        VnetProcess refusedAgent = processes.agent("placeholder-agent", network.endpoint(), Map.of(
                "vnet.agent.token", "change-me-agents-0000000000000000"));

        assertThat(refusedNetwork.waitFor(READY)).as("the network stopped").isTrue();
        assertThat(refusedNetwork.logTail(200)).contains("vnet.security.tokens.ops.secret").contains("placeholder");
        assertThat(refusedAgent.waitFor(READY)).as("the agent stopped").isTrue();
        assertThat(refusedAgent.logTail(200)).contains("vnet.agent.token").contains("placeholder");
    }

    // ---- helpers ----

    private static ClientFrame hello(String name) {
        return ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName(name)).build();
    }

    private static ContainerRequest echoRequest(String text) {
        return ContainerRequest.newBuilder().setUuid(echo.uuid()).setOperation("echo").setPayload(json("\"" + text
                + "\"")).build();
    }

    private static Payload json(String json) {
        return Payload.newBuilder().setData(ByteString.copyFromUtf8(json)).build();
    }

    /** How a stream ended, and its first answer. */
    private static final class Ended {
        final CompletableFuture<Status> status = new CompletableFuture<>();
        final CompletableFuture<Object> first = new CompletableFuture<>();

        <R> StreamObserver<R> observer() {
            return new StreamObserver<>() {
                @Override
                public void onNext(R answer) {
                    first.complete(answer);
                }

                @Override
                public void onError(Throwable t) {
                    status.complete(Status.fromThrowable(t));
                    first.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    status.complete(Status.OK);
                }
            };
        }
    }

    /** Sends {@code bytes} as the request of a unary method; answers how the call ended. */
    private static Status rawUnary(ManagedChannel channel, MethodDescriptor<?, ?> method, byte[] bytes)
            throws Exception {
        return RawCalls.send(channel, method, bytes, true).get(30, TimeUnit.SECONDS);
    }

    /** Sends {@code bytes} as the first message of a stream, which stays open; answers how the stream ended. */
    private static Status rawStream(ManagedChannel channel, MethodDescriptor<?, ?> method, byte[] bytes)
            throws Exception {
        return RawCalls.send(channel, method, bytes, false).get(30, TimeUnit.SECONDS);
    }
}
