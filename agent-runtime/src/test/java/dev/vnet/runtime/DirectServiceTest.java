package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vnet.client.Json;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.NetworkFrameBatch;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Ping;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.Permission;
import dev.vnet.security.SessionTickets;
import dev.vnet.security.StaticTokens;
import dev.vnet.wire.Received;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoop;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's direct port ({@link DirectService}) and its stream to the network ({@link NetworkLink}), in-process:
 * an {@link AgentRuntime} whose direct server and network channel are in-process, registered by a stand-in for the
 * network that gives it the session-ticket key a coordinator derives and starts its containers.
 */
class DirectServiceTest {

    /** How long a test waits for what must happen: a failure bound, never a figure. */
    private static final long WAIT_SECONDS = 5;
    private static final String AGENT = "agent-1";
    private static final byte[] NETWORK_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String ALICE_TOKEN = "alice-token-0123456789";
    private static final String MALLORY_TOKEN = "mallory-token-0123456789";
    private static final int MAX_PAYLOAD_BYTES = 1024;
    /** How long DirectService lets a client that asked for pings stay silent, at the intervals used here. */
    private static final long CLIENT_ALIVE_TIMEOUT_MS = 3000;

    private final FakeNetwork network = new FakeNetwork();
    /** Stands for the Netty event loop that reads frames in production: what one round reads is answered together. */
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final String directName = InProcessServerBuilder.generateName();
    private final String networkName = InProcessServerBuilder.generateName();
    private Server networkServer;
    private AgentRuntime runtime;
    private ManagedChannel alice;
    private ManagedChannel mallory;
    private String uuid;

    @BeforeEach
    void start() throws IOException {
        networkServer = InProcessServerBuilder.forName(networkName).directExecutor().addService(network).build()
                .start();
        StaticTokens tokens = new StaticTokens().add("alice", ALICE_TOKEN, EnumSet.allOf(Permission.class))
                .add("mallory", MALLORY_TOKEN, EnumSet.allOf(Permission.class));
        runtime = AgentRuntime.builder().agentId(AGENT).kind(new Echo()).kind(new InlineEcho())
                .maxPayloadBytes(MAX_PAYLOAD_BYTES)
                .authentication(AuthInterceptor.requiring(tokens))
                .directTransport(InProcessServerBuilder.forName(directName), "in-process " + directName)
                .networkChannels(endpoint -> InProcessChannelBuilder.forName(networkName).directExecutor().build())
                .build().start();
        await(runtime.registered());
        alice = channel(ALICE_TOKEN);
        mallory = channel(MALLORY_TOKEN);
        uuid = network.start("echo", "c-1");
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        alice.shutdownNow();
        mallory.shutdownNow();
        runtime.close(Duration.ZERO);
        networkServer.shutdownNow();
    }

    // ---- the direct port ----

    @Test
    void aDirectRequestToAHostedContainerIsAnswered() {
        ContainerReply reply = AgentGrpc.newBlockingStub(alice).request(request(uuid, "echo", "hi").build());

        assertThat(reply.getPayload().getData().toStringUtf8()).isEqualTo("hi");
        assertThat(reply.getAgentId()).isEqualTo(AGENT);
        assertThat(reply.getEpoch()).isEqualTo(1);
    }

    @Test
    void aRequestNamingASessionIsDeniedWithoutItsOwnersTicketAndAttributedToItWithIt() {
        ByteString alicesTicket = ticket("s-1", "alice");

        assertThat(requestFails(alice, request(uuid, "who", "").setSessionId("s-1"))).satisfies(status -> {
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("session_ticket");
        });
        assertThat(requestFails(mallory, request(uuid, "who", "").setSessionId("s-1")
                .setSessionTicket(alicesTicket)).getCode()).as("another principal showing the owner's ticket")
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        ContainerReply reply = AgentGrpc.newBlockingStub(alice).request(request(uuid, "who", "").setSessionId("s-1")
                .setSessionTicket(alicesTicket).build());
        assertThat(reply.getPayload().getData().toStringUtf8()).as("the client id the container sees")
                .isEqualTo("s-1");
    }

    @Test
    void theCallsStreamAnswersEachCallByIdAndDeniesASessionWithoutItsTicket() {
        Received<DirectResult> results = new Received<>();
        StreamObserver<DirectCall> calls = AgentGrpc.newStub(alice).calls(results);

        calls.onNext(DirectCall.newBuilder().setCallId(1).setRequest(request(uuid, "who", "").setSessionId("s-1"))
                .build());
        DirectResult denied = results.next();
        calls.onNext(DirectCall.newBuilder().setCallId(2).setRequest(request(uuid, "who", "").setSessionId("s-1")
                .setSessionTicket(ticket("s-1", "alice"))).build());
        DirectResult answered = results.next();
        calls.onCompleted();

        assertThat(denied.getCallId()).isEqualTo(1);
        assertThat(denied.getError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
        assertThat(answered.getCallId()).isEqualTo(2);
        assertThat(answered.getReply().getPayload().getData().toStringUtf8()).isEqualTo("s-1");
        assertThat(results.end().isOk()).isTrue();
    }

    // ---- batches ----

    private static final int BURST = 10;

    /** Runs {@code read} on the loop, as the transport runs what it read, and waits for the round to end. */
    private void onLoop(Runnable read) throws Exception {
        loop.submit(read).get(WAIT_SECONDS, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static List<DirectCall> directBurst(String uuid) {
        return IntStream.range(0, BURST).mapToObj(i -> DirectCall.newBuilder().setCallId(10 + i)
                .setRequest(request(uuid, "echo", "m" + i)).build()).toList();
    }

    @Test
    void aBurstOfDirectCallsIsAnsweredInOneBatchToACallerThatSaidItTakesBatches() throws Exception {
        String inline = network.start("echo-inline", "c-2");
        Received<DirectResult> results = new Received<>();
        StreamObserver<DirectCall> calls = AgentGrpc.newStub(alice).calls(results);
        calls.onNext(DirectCall.newBuilder().setCallId(1).setRequest(request(inline, "echo", "first"))
                .setAcceptsBatches(true).build());
        assertThat(results.next().getAcceptsBatches()).as("the first result says the agent takes batches").isTrue();

        onLoop(() -> calls.onNext(DirectCall.newBuilder().addAllBatch(directBurst(inline)).build()));

        List<DirectResult> batch = results.next().getBatch().getResultsList();
        assertThat(batch).extracting(DirectResult::getCallId)
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> 10L + i).toList());
        assertThat(batch).extracting(r -> r.getReply().getPayload().getData().toStringUtf8())
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> "m" + i).toList());
        calls.onCompleted();
    }

    @Test
    void aCallerThatNeverSaidItTakesBatchesGetsSingleResultsEvenForTheBatchItSent() throws Exception {
        String inline = network.start("echo-inline", "c-2");
        Received<DirectResult> results = new Received<>();
        StreamObserver<DirectCall> calls = AgentGrpc.newStub(alice).calls(results);

        onLoop(() -> calls.onNext(DirectCall.newBuilder().addAllBatch(directBurst(inline)).build()));

        List<DirectResult> answered = IntStream.range(0, BURST).mapToObj(i -> results.next()).toList();
        assertThat(answered).allMatch(DirectResult::hasReply).extracting(DirectResult::getCallId)
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> 10L + i).toList());
        calls.onCompleted();
    }

    private NetworkFrame routedBurst(String uuid, int firstRouteId) {
        return NetworkFrame.newBuilder().setBatch(NetworkFrameBatch.newBuilder().addAllFrames(
                IntStream.range(0, BURST).mapToObj(i -> NetworkFrame.newBuilder().setRequest(RouteRequest.newBuilder()
                        .setRouteId(firstRouteId + i).setUuid(uuid).setOperation("echo").setPayload(payload("r" + i))
                        .setTimeoutMs(WAIT_SECONDS * 1000).setEpoch(1)).build()).toList())).build();
    }

    @Test
    void routedRequestsReadTogetherAreAnsweredInOneBatchOnceTheNetworkSaidItTakesBatches() throws Exception {
        assertThat(network.registration.getRegister().getAcceptsBatches()).isTrue();
        String inline = network.start("echo-inline", "c-2");

        onLoop(() -> network.send(routedBurst(inline, 100)));
        List<AgentFrame> singles = IntStream.range(0, BURST).mapToObj(i -> network.next(f -> f.hasReply()
                || f.hasBatch())).toList();
        assertThat(singles).as("to a network that did not say it takes batches").allMatch(AgentFrame::hasReply);

        network.send(NetworkFrame.newBuilder().setRegistered(network.ack().setAcceptsBatches(true)).build());
        onLoop(() -> network.send(routedBurst(inline, 200)));

        List<AgentFrame> batch = network.next(AgentFrame::hasBatch).getBatch().getFramesList();
        assertThat(batch).extracting(f -> f.getReply().getRouteId())
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> 200L + i).toList());
    }

    @Test
    void anUnknownContainerIsNotFoundAndTheCallerToldToAskTheNetwork() {
        Status status = requestFails(alice, request("c-unknown", "echo", "hi"));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription())
                .isEqualTo("container c-unknown does not run on agent " + AGENT + "; ask the network where it is");
    }

    @Test
    void anOversizeOrMalformedRequestIsInvalidArgument() {
        Status oversize = requestFails(alice, request(uuid, "echo", "x".repeat(MAX_PAYLOAD_BYTES + 1)));
        Status badUuid = requestFails(alice, request("not a uuid!", "echo", "hi"));
        Status negativeTimeout = requestFails(alice, request(uuid, "echo", "hi").setTimeoutMs(-1));

        assertThat(oversize.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(oversize.getDescription()).contains("the limit is " + MAX_PAYLOAD_BYTES)
                .contains("vnet.agent.max-payload-bytes");
        assertThat(badUuid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badUuid.getDescription()).contains("uuid");
        assertThat(negativeTimeout.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(negativeTimeout.getDescription()).contains("timeout_ms");
    }

    @Test
    void aConnectStreamThatDoesNotOpenFirstIsInvalidArgument() {
        Received<ConnectEvent> events = new Received<>();
        AgentGrpc.newStub(alice).connect(events).onNext(ConnectFrame.newBuilder().setPing(Ping.getDefaultInstance())
                .build());

        assertThat(events.end().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    /**
     * Connect carries the open and the client's pings one way, the ready, the broadcasts and the server's pings the
     * other; a client that stops pinging is ended UNAVAILABLE once the alive timeout (3 s, more than three of its
     * intervals) has passed, not before.
     */
    @Test
    void connectCarriesBroadcastsAndPingsAndEndsASilentClientAfterTheAliveTimeout() {
        long intervalMs = 100;
        Received<ConnectEvent> events = new Received<>();
        StreamObserver<ConnectFrame> frames = AgentGrpc.newStub(alice).connect(events);
        frames.onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(uuid).setSessionId("s-1")
                .setSessionTicket(ticket("s-1", "alice")).setPingIntervalMs(intervalMs)).build());

        ConnectEvent ready = events.next(ConnectEvent::hasReady);
        assertThat(ready.getReady().getClientId()).isEqualTo("s-1");
        assertThat(ready.getReady().getContainer().getUuid()).isEqualTo(uuid);
        AgentGrpc.newBlockingStub(alice).request(request(uuid, "tell", "news").build());
        assertThat(events.next(ConnectEvent::hasBroadcast).getBroadcast().getData().toStringUtf8())
                .isEqualTo("news");
        long lastPingAt = 0;
        for (int i = 0; i < 3; i++) {
            events.next(ConnectEvent::hasPing);
            lastPingAt = System.nanoTime();
            frames.onNext(ConnectFrame.newBuilder().setPing(Ping.getDefaultInstance()).build());
        }

        Status end = events.end(CLIENT_ALIVE_TIMEOUT_MS / 1000 + WAIT_SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPingAt))
                .isGreaterThanOrEqualTo(CLIENT_ALIVE_TIMEOUT_MS);
        assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(end.getDescription()).contains("no ping from the client");
    }

    // ---- the stream to the network ----

    @Test
    void registrationCarriesWhatTheAgentRunsAndARoutedRequestIsAnsweredOnTheStream() {
        assertThat(network.registration.getRegister().getAgentId()).isEqualTo(AGENT);
        assertThat(network.registration.getRegister().getKindsList()).containsExactlyInAnyOrder("echo", "echo-inline");

        network.send(NetworkFrame.newBuilder().setRequest(RouteRequest.newBuilder().setRouteId(7).setUuid(uuid)
                .setOperation("echo").setPayload(payload("routed")).setTimeoutMs(WAIT_SECONDS * 1000).setEpoch(1))
                .build());

        RouteReply reply = network.next(AgentFrame::hasReply).getReply();
        assertThat(reply.getRouteId()).isEqualTo(7);
        assertThat(reply.getPayload().getData().toStringUtf8()).isEqualTo("routed");
    }

    // ---- helpers ----

    private ManagedChannel channel(String token) {
        Metadata headers = new Metadata();
        headers.put(ChannelSecurity.AUTHORIZATION, "Bearer " + token);
        return InProcessChannelBuilder.forName(directName).directExecutor()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
    }

    private static ByteString ticket(String sessionId, String principal) {
        return ByteString.copyFrom(SessionTickets.issue(SessionTickets.agentKey(NETWORK_KEY, AGENT), sessionId,
                principal));
    }

    private static ContainerRequest.Builder request(String uuid, String operation, String data) {
        return ContainerRequest.newBuilder().setUuid(uuid).setOperation(operation).setPayload(payload(data));
    }

    private static Payload payload(String data) {
        return Payload.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
    }

    private static Status requestFails(ManagedChannel channel, ContainerRequest.Builder request) {
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> AgentGrpc.newBlockingStub(channel).request(request.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> failure[0] = e);
        return Status.fromThrowable(failure[0]);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not done within " + WAIT_SECONDS + " s", e);
        }
    }

    /**
     * Echoes its payload ("echo"), answers who calls ("who": the client id, the session a call names), and
     * broadcasts a payload to every connected client ("tell").
     */
    private static final class Echo implements ContainerKind {

        @Override
        public String name() {
            return "echo";
        }

        @Override
        public Container create(ContainerContext context) {
            Map<String, Broadcaster> clients = new ConcurrentHashMap<>();
            return new Container() {
                @Override
                public Payload request(Call call) {
                    return switch (call.operation()) {
                        case "who" -> payload(call.clientId());
                        case "tell" -> {
                            clients.values().forEach(client -> client.send(call.payload()));
                            yield Json.encode(clients.size());
                        }
                        default -> call.payload();
                    };
                }

                @Override
                public void connect(String clientId, Broadcaster broadcaster) {
                    clients.put(clientId, broadcaster);
                }

                @Override
                public void disconnect(String clientId) {
                    clients.remove(clientId);
                }
            };
        }
    }

    /** The echo kind run on the thread that delivers each call, as the built-in echo runs. */
    private static final class InlineEcho implements ContainerKind {

        @Override
        public String name() {
            return "echo-inline";
        }

        @Override
        public Threading threading() {
            return Threading.INLINE;
        }

        @Override
        public Container create(ContainerContext context) {
            return new Echo().create(context);
        }
    }

    /**
     * The network, as far as one agent sees it: it acknowledges the registration as a coordinator does (active,
     * with the key to check session tickets), and the test sends commands and reads the agent's frames.
     */
    private static final class FakeNetwork extends AgentChannelGrpc.AgentChannelImplBase {

        private final BlockingQueue<AgentFrame> frames = new LinkedBlockingQueue<>();
        private volatile StreamObserver<NetworkFrame> toAgent;
        volatile AgentFrame registration;

        @Override
        public StreamObserver<AgentFrame> connect(StreamObserver<NetworkFrame> responses) {
            toAgent = responses;
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentFrame frame) {
                    if (frame.hasRegister()) {
                        registration = frame;
                        send(NetworkFrame.newBuilder().setRegistered(ack()).build());
                    } else {
                        frames.add(frame);
                    }
                }

                @Override
                public void onError(Throwable failure) {
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }

        /** The acknowledgement of a network written before batches: it does not say it takes them. */
        RegisterAck.Builder ack() {
            return RegisterAck.newBuilder().setState(AgentState.AGENT_STATE_ACTIVE).setLeaderEpoch(1)
                    .setHeartbeatIntervalMs(1000).setAliveTimeoutMs(3000)
                    .setSessionTicketKey(ByteString.copyFrom(SessionTickets.agentKey(NETWORK_KEY, AGENT)));
        }

        /** Writes to the agent; the transport thread (the acknowledgement) and the test both write. */
        synchronized void send(NetworkFrame frame) {
            toAgent.onNext(frame);
        }

        /** Starts a container of {@code kind} on the agent and waits until it says it runs; answers its uuid. */
        String start(String kind, String uuid) {
            send(NetworkFrame.newBuilder().setStart(StartContainer.newBuilder().setUuid(uuid).setKind(kind)
                    .setType(ContainerType.CONTAINER_TYPE_STANDARD).setEpoch(1).setLeaderEpoch(1)).build());
            AgentFrame started = next(AgentFrame::hasStarted);
            assertThat(started.getStarted().getUuid()).isEqualTo(uuid);
            assertThat(started.getStarted().hasError()).as("%s", started).isFalse();
            return uuid;
        }

        /** The next frame from the agent that {@code wanted} accepts, skipping others (heartbeats, say). */
        AgentFrame next(Predicate<AgentFrame> wanted) {
            return Received.poll(frames, wanted, WAIT_SECONDS);
        }
    }
}
