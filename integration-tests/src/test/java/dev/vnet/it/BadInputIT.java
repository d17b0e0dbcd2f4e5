package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.Jvm;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.AgentHeartbeat;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.DrainAgentRequest;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.MigrateRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.ReleaseRequest;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.RawCalls;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed and hostile messages, generated from a seed (printed, to replay a failure), against a
 * running coordinator and agent: wrong ids, huge and empty fields, unknown enum values, frames out of order, floods
 * and streams abandoned half-way, and bytes that are no message at all (as the message of every method of both ports,
 * and straight on their sockets). Afterwards both are healthy, no reference is left behind, and the coordinator's
 * heap is back near where it started.
 */
class BadInputIT {

    private static final int UNARY_CALLS = 3000;
    private static final int SESSION_STREAMS = 150;
    private static final int AGENT_STREAMS = 100;
    private static final int CONNECT_STREAMS = 100;
    private static final int IN_FLIGHT_LIMIT = 16;
    private static final int GARBAGE_MESSAGES = 500;

    private final long seed = Long.getLong("vnet.fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();

    @Test
    void nothingAClientSendsCrashesLeaksOrLingers() throws Exception {
        System.out.println("BadInputIT seed " + seed + " (replay with -Dvnet.fuzz.seed=" + seed + ")");
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("fuzzed-network", Map.of(
                    "vnet.network.max-payload-bytes", "65536",
                    "vnet.network.limits.max-in-flight-per-client", Integer.toString(IN_FLIGHT_LIMIT),
                    "vnet.network.limits.max-containers-per-session", "20",
                    "vnet.network.idle-timeout", "2s")).awaitReady(Duration.ofSeconds(120));
            VnetProcess agent = processes.agent("fuzzed-agent", network.endpoint(), Map.of(
                    "vnet.agent.max-payload-bytes", "65536")).awaitReady(Duration.ofSeconds(120));
            Endpoint endpoint = Endpoint.parse(network.endpoint());
            String knownUuid;
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).build()
                    .awaitConnected(READY)) {
                ContainerRef echo = client.get(GetOptions.kind("echo").uuid("fuzz-target"));
                knownUuid = echo.uuid();
                echo.request("warm", "up", String.class);
                long heapBefore = Jvm.heapUsedAfterGc(network.pid());

                ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, ChannelSecurity.NONE);
                ManagedChannel agentChannel = Grpc.channel(Endpoint.parse(agent.endpoint()), 1 << 20,
                        ChannelSecurity.NONE);
                try {
                    unaryCalls(channel, agentChannel, knownUuid);
                    sessionStreams(channel, knownUuid);
                    agentStreams(channel);
                    connectStreams(channel, agentChannel, knownUuid);
                    flood(channel, knownUuid);
                    garbageOnTheWire(channel, agentChannel, network.grpcPort(), agent.grpcPort());
                } finally {
                    channel.shutdownNow();
                    agentChannel.shutdownNow();
                }
                System.out.println("BadInputIT outcomes: " + outcomes);

                assertThat(network.isAlive()).isTrue();
                assertThat(agent.isAlive()).isTrue();
                assertThat(network.healthStatus("ready")).isEqualTo(200);
                assertThat(agent.healthStatus("ready")).isEqualTo(200);
                assertThat(outcomes).containsKeys(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
                assertThat(echo.request("still", "here", String.class)).isEqualTo("here");
                assertThat(client.release(knownUuid)).as("only this client's reference").isZero();
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(client.containers(null, null,
                        null)).as("references left behind").extracting(ContainerInfo::getReferences)
                        .containsOnly(0));
                long heapAfter = Jvm.heapUsedAfterGc(network.pid());
                System.out.printf("BadInputIT network heap after GC: %d KiB before, %d KiB after%n", heapBefore >> 10,
                        heapAfter >> 10);
                assertThat(heapAfter).as("heap after GC, back near its start")
                        .isLessThan(heapBefore + heapBefore / 2 + (16 << 20));
                assertThat(network.logTail(100_000)).doesNotContain(" ERROR ").doesNotContain("Exception in thread");
                assertThat(agent.logTail(100_000)).doesNotContain(" ERROR ").doesNotContain("Exception in thread");
            }
        }
    }

    // ---- unary calls with every field garbled ----

    private void unaryCalls(ManagedChannel channel, ManagedChannel agentChannel, String knownUuid) {
        NetworkGrpc.NetworkBlockingStub network = NetworkGrpc.newBlockingStub(channel);
        AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel);
        AgentGrpc.AgentBlockingStub agent = AgentGrpc.newBlockingStub(agentChannel);
        for (int i = 0; i < UNARY_CALLS; i++) {
            int which = random.nextInt(7);
            record(() -> switch (which) {
                case 0 -> network.withDeadlineAfter(5, TimeUnit.SECONDS).get(garbledGet());
                case 1 -> network.withDeadlineAfter(5, TimeUnit.SECONDS).request(garbledRequest(knownUuid));
                case 2 -> network.withDeadlineAfter(5, TimeUnit.SECONDS).send(garbledRequest(knownUuid));
                case 3 -> network.withDeadlineAfter(5, TimeUnit.SECONDS).release(ReleaseRequest.newBuilder()
                        .setSessionId(text()).setUuid(random.nextBoolean() ? knownUuid : text()).build());
                case 4 -> network.withDeadlineAfter(5, TimeUnit.SECONDS).listContainers(ListContainersRequest
                        .newBuilder().setKind(text()).addLabels(text()).setAgentId(text()).build());
                case 5 -> admin.withDeadlineAfter(5, TimeUnit.SECONDS).migrate(MigrateRequest.newBuilder()
                        .setUuid(random.nextBoolean() ? knownUuid : text()).setTargetAgent(text()).build());
                default -> agent.withDeadlineAfter(5, TimeUnit.SECONDS).request(garbledRequest(knownUuid));
            });
            if (i % 500 == 0) {
                record(() -> admin.withDeadlineAfter(5, TimeUnit.SECONDS).drain(DrainAgentRequest.newBuilder()
                        .setAgentId("no-such-" + text()).setDeadlineMs(random.nextLong()).build()));
            }
        }
    }

    private GetRequest garbledGet() {
        GetRequest.Builder get = GetRequest.newBuilder()
                .setKind(random.nextInt(4) == 0 ? "echo" : text())
                .setUuid(text())
                .setSessionId(random.nextInt(3) == 0 ? text() : "")
                .setTypeValue(random.nextInt(6) - 1)
                .setPreferredCluster(text())
                .setSpec(payload())
                .setResources(Resources.newBuilder().setCpu(random.nextGaussian() * 4)
                        .setMemoryBytes(random.nextLong()).build());
        for (int i = random.nextInt(40); i > 0; i--) {
            get.addLabels(text());
        }
        return get.build();
    }

    private ContainerRequest garbledRequest(String knownUuid) {
        return ContainerRequest.newBuilder()
                .setUuid(random.nextInt(3) == 0 ? knownUuid : text())
                .setOperation(random.nextInt(3) == 0 ? "echo" : text())
                .setSessionId(random.nextInt(4) == 0 ? text() : "")
                .setTimeoutMs(random.nextInt(5) == 0 ? -random.nextInt(1000) : random.nextInt(2000))
                .setPayload(payload())
                .build();
    }

    // ---- session streams: frames out of order, garbage, abandoned ----

    private void sessionStreams(ManagedChannel channel, String knownUuid) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(SESSION_STREAMS);
        for (int s = 0; s < SESSION_STREAMS; s++) {
            Ending ending = new Ending(done);
            StreamObserver<ClientFrame> frames = NetworkGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .session(ending.observer());
            boolean hello = random.nextInt(5) != 0;
            if (hello) {
                frames.onNext(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName(text()))
                        .build());
            }
            for (int f = random.nextInt(30); f > 0; f--) {
                ClientFrame.Builder frame = ClientFrame.newBuilder().setCallId(random.nextLong());
                switch (random.nextInt(7)) {
                    case 0 -> frame.setGet(random.nextBoolean() ? garbledGet()
                            : GetRequest.newBuilder().setKind("echo").setUuid("fuzz-" + random.nextInt(40)).build());
                    case 1 -> frame.setRequest(garbledRequest(knownUuid));
                    case 2 -> frame.setSend(garbledRequest(knownUuid));
                    case 3 -> frame.setRelease(ReleaseRequest.newBuilder().setUuid(random.nextBoolean() ? knownUuid
                            : text()));
                    case 4 -> frame.setHello(SessionHello.newBuilder().setClientName(text()));
                    case 5 -> frame.setPing(dev.vnet.proto.v1.Ping.newBuilder().setSentAtMs(random.nextLong()));
                    default -> { } // no frame case at all
                }
                frames.onNext(frame.build());
            }
            switch (random.nextInt(3)) {
                case 0 -> frames.onCompleted();
                case 1 -> frames.onError(Status.CANCELLED.withDescription("fuzz: abandoned").asRuntimeException());
                default -> ending.cancelAfterFirstAnswer();
            }
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every session stream ended").isTrue();
    }

    // ---- agent streams: registrations and reports that make no sense ----

    private void agentStreams(ManagedChannel channel) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(AGENT_STREAMS);
        for (int s = 0; s < AGENT_STREAMS; s++) {
            Ending ending = new Ending(done);
            StreamObserver<AgentFrame> frames = AgentChannelGrpc.newStub(channel).withDeadlineAfter(10,
                    TimeUnit.SECONDS).connect(ending.observer());
            for (int f = random.nextInt(12); f > 0; f--) {
                AgentFrame.Builder frame = AgentFrame.newBuilder();
                switch (random.nextInt(6)) {
                    case 0 -> frame.setRegister(AgentRegister.newBuilder().setAgentId(random.nextBoolean()
                            ? "fuzz-agent-" + random.nextInt(5) : text()).setInstanceId(text()).setEndpoint(text())
                            .addKinds(text()).addLabels(text()).setCluster(text())
                            .addContainers(RunningContainer.newBuilder().setUuid(text()).setKind(text())
                                    .setEpoch(random.nextLong()).setTypeValue(random.nextInt(9) - 2)));
                    case 1 -> frame.setHeartbeat(AgentHeartbeat.newBuilder().setSentAtMs(random.nextLong()));
                    case 2 -> frame.setStarted(ContainerStarted.newBuilder().setUuid(text()).setEpoch(random.nextLong()));
                    case 3 -> frame.setStopped(ContainerStopped.newBuilder().setUuid(text()).setEpoch(random.nextLong())
                            .setReason(text()));
                    case 4 -> frame.setReply(RouteReply.newBuilder().setRouteId(random.nextLong()).setPayload(payload()));
                    default -> { }
                }
                frames.onNext(frame.build());
            }
            if (random.nextBoolean()) {
                frames.onCompleted();
            } else {
                frames.onError(Status.CANCELLED.withDescription("fuzz: abandoned").asRuntimeException());
            }
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every agent stream ended").isTrue();
    }

    // ---- connections to broadcasts, through the network and directly ----

    private void connectStreams(ManagedChannel channel, ManagedChannel agentChannel, String knownUuid)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(CONNECT_STREAMS);
        for (int s = 0; s < CONNECT_STREAMS; s++) {
            Ending ending = new Ending(done);
            ManagedChannel target = random.nextBoolean() ? channel : agentChannel;
            StreamObserver<ConnectFrame> frames = (target == channel
                    ? NetworkGrpc.newStub(target).withDeadlineAfter(10, TimeUnit.SECONDS).connect(ending.observer())
                    : AgentGrpc.newStub(target).withDeadlineAfter(10, TimeUnit.SECONDS).connect(ending.observer()));
            for (int f = random.nextInt(6); f > 0; f--) {
                ConnectFrame.Builder frame = ConnectFrame.newBuilder();
                if (random.nextBoolean()) {
                    frame.setOpen(ConnectOpen.newBuilder().setUuid(random.nextBoolean() ? knownUuid : text())
                            .setSessionId(text()).setPingIntervalMs(random.nextBoolean() ? 100 : random.nextLong()));
                } else if (random.nextBoolean()) {
                    frame.setPing(dev.vnet.proto.v1.Ping.newBuilder().setSentAtMs(random.nextLong()));
                }
                frames.onNext(frame.build());
            }
            if (random.nextBoolean()) {
                frames.onCompleted();
            } else {
                frames.onError(Status.CANCELLED.withDescription("fuzz: abandoned").asRuntimeException());
            }
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every connect stream ended").isTrue();
    }

    // ---- a flood on one session: the in-flight limit answers at once ----

    private void flood(ManagedChannel channel, String knownUuid) throws InterruptedException {
        CountDownLatch answered = new CountDownLatch(2000);
        Map<Status.Code, AtomicInteger> flood = new ConcurrentHashMap<>();
        StreamObserver<ClientFrame> frames = NetworkGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(ServerFrame frame) {
                if (frame.hasReply() || frame.hasError()) {
                    Status.Code code = frame.hasError() ? Status.Code.values()[frame.getError().getCode()]
                            : Status.Code.OK;
                    flood.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                    outcomes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                    answered.countDown();
                }
            }

            @Override
            public void onError(Throwable failure) {
                while (answered.getCount() > 0) {
                    answered.countDown();
                }
            }

            @Override
            public void onCompleted() { }
        });
        frames.onNext(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName("flood")).build());
        for (int i = 0; i < 2000; i++) {
            frames.onNext(ClientFrame.newBuilder().setCallId(i + 1).setRequest(ContainerRequest.newBuilder()
                    .setUuid(knownUuid).setOperation("echo").setPayload(Payload.newBuilder()
                            .setData(ByteString.copyFromUtf8("\"x\"")))).build());
        }
        assertThat(answered.await(60, TimeUnit.SECONDS)).as("every flooded request answered").isTrue();
        frames.onCompleted();
        System.out.println("BadInputIT flood of 2000 requests, " + IN_FLIGHT_LIMIT + " in flight allowed: " + flood);
        assertThat(flood).containsKeys(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
    }

    // ---- bytes that are no message, as gRPC messages of every method and straight on the socket ----

    private void garbageOnTheWire(ManagedChannel channel, ManagedChannel agentChannel, int networkPort, int agentPort)
            throws Exception {
        List<MethodDescriptor<?, ?>> networkMethods = new ArrayList<>();
        for (ServiceDescriptor service : List.of(NetworkGrpc.getServiceDescriptor(),
                AgentChannelGrpc.getServiceDescriptor(), AdminGrpc.getServiceDescriptor())) {
            networkMethods.addAll(service.getMethods());
        }
        List<MethodDescriptor<?, ?>> agentMethods = List.copyOf(AgentGrpc.getServiceDescriptor().getMethods());
        List<CompletableFuture<Status>> calls = new ArrayList<>();
        for (int i = 0; i < GARBAGE_MESSAGES; i++) {
            boolean toAgent = random.nextInt(4) == 0;
            List<MethodDescriptor<?, ?>> methods = toAgent ? agentMethods : networkMethods;
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            calls.add(RawCalls.send(toAgent ? agentChannel : channel, methods.get(random.nextInt(methods.size())),
                    bytes, true));
        }
        for (CompletableFuture<Status> call : calls) {
            Status status = call.get(60, TimeUnit.SECONDS);
            outcomes.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).incrementAndGet();
        }
        for (int port : new int[] {networkPort, agentPort}) {
            for (int i = 0; i < 20; i++) {
                byte[] noise = new byte[random.nextInt(8192)];
                random.nextBytes(noise);
                if (random.nextBoolean()) {
                    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(preface, 0, noise, 0, Math.min(preface.length, noise.length));
                }
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(noise);
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                } catch (IOException closedByTheServer) {
                    // what garbage deserves
                }
            }
        }
    }

    // ---- generators ----

    /** Text that is sometimes fine, often not: empty, huge, control characters, unicode, separators. */
    private String text() {
        return switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> "x".repeat(random.nextInt(5000));
            case 2 -> new String(new char[] {(char) random.nextInt(32), '\u0000', '\n'});
            case 3 -> "名前-" + random.nextInt(100);
            case 4 -> "a b/c\\d;e'f\"g";
            case 5 -> "fuzz-" + random.nextInt(50);
            case 6 -> randomBytesAsText(random.nextInt(300));
            default -> Long.toString(random.nextLong());
        };
    }

    private String randomBytesAsText(int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            char c = (char) random.nextInt(0xFFFF);
            if (!Character.isSurrogate(c)) { // protobuf would send '?' for a lone surrogate: nothing new
                text.append(c);
            }
        }
        return text.toString();
    }

    private Payload payload() {
        int size = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 65536 + random.nextInt(100_000); // over the limit
            default -> random.nextInt(512);
        };
        byte[] data = new byte[size];
        random.nextBytes(data);
        return Payload.newBuilder().setData(ByteString.copyFrom(data)).setContentType(text()).build();
    }

    private void record(Supplier<?> call) {
        Status.Code code;
        try {
            call.get();
            code = Status.Code.OK;
        } catch (StatusRuntimeException e) {
            code = e.getStatus().getCode();
        }
        outcomes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
    }

    /** Observes one stream until it ends, however it ends; may cancel it after its first answer. */
    private final class Ending {
        private final CountDownLatch done;
        private volatile boolean cancelOnAnswer;
        private volatile ClientCallStreamObserver<?> call;
        private volatile boolean ended;

        Ending(CountDownLatch done) {
            this.done = done;
        }

        void cancelAfterFirstAnswer() {
            cancelOnAnswer = true;
        }

        <Q, R> ClientResponseObserver<Q, R> observer() {
            return new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<Q> requests) {
                    call = requests;
                }

                @Override
                public void onNext(R answer) {
                    if (cancelOnAnswer) {
                        call.cancel("fuzz: cancelled mid-way", null);
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    end(Status.fromThrowable(failure).getCode());
                }

                @Override
                public void onCompleted() {
                    end(Status.Code.OK);
                }
            };
        }

        private void end(Status.Code code) {
            if (!ended) {
                ended = true;
                outcomes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                done.countDown();
            }
        }
    }
}
