package dev.vnet.bench;

import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentHeartbeat;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Agents made of nothing but their stream: each registers with a batch of containers it claims to run, and
 * heartbeats. Lets the registry scenario put many containers into a coordinator without running them.
 */
final class FakeAgents implements AutoCloseable {

    private final ManagedChannel channel;
    private final ScheduledExecutorService heartbeats = DaemonThreads.scheduler("bench-fake-agents");
    private final List<ClientCallStreamObserver<AgentFrame>> streams = new ArrayList<>();

    private FakeAgents(ManagedChannel channel) {
        this.channel = channel;
    }

    /** Registers {@code containers} containers, {@code perAgent} per fake agent; returns once all are accepted. */
    static FakeAgents register(String network, int containers, int perAgent) throws Exception {
        FakeAgents agents = new FakeAgents(Grpc.channel(Endpoint.parse(network), Grpc.maxMessageBytes(64 << 20), ChannelSecurity.NONE));
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        for (int agent = 0; agent * perAgent < containers; agent++) {
            AgentRegister.Builder registration = AgentRegister.newBuilder().setAgentId("fake-" + agent)
                    .setInstanceId(UUID.randomUUID().toString()).setEndpoint("127.0.0.1:1").addKinds("echo");
            for (int i = agent * perAgent; i < Math.min(containers, (agent + 1) * perAgent); i++) {
                registration.addContainers(RunningContainer.newBuilder().setUuid("bench-c-" + i).setKind("echo")
                        .setEpoch(1));
            }
            accepted.add(agents.open(registration.build()));
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        agents.heartbeats.scheduleAtFixedRate(agents::heartbeat, 500, 500, TimeUnit.MILLISECONDS);
        return agents;
    }

    private CompletableFuture<Void> open(AgentRegister registration) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        var requests = AgentChannelGrpc.newStub(channel).connect(new ClientResponseObserver<AgentFrame, NetworkFrame>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AgentFrame> stream) {
                synchronized (streams) {
                    streams.add(stream);
                }
            }

            @Override
            public void onNext(NetworkFrame frame) {
                if (frame.hasRegistered()) {
                    accepted.complete(null);
                }
            }

            @Override
            public void onError(Throwable failure) {
                accepted.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                accepted.completeExceptionally(new IllegalStateException("the network ended the stream"));
            }
        });
        synchronized (requests) {
            requests.onNext(AgentFrame.newBuilder().setRegister(registration).build());
        }
        return accepted;
    }

    private void heartbeat() {
        AgentFrame beat = AgentFrame.newBuilder().setHeartbeat(AgentHeartbeat.newBuilder()
                .setLoad(Load.getDefaultInstance()).setSentAtMs(System.currentTimeMillis())).build();
        synchronized (streams) {
            for (ClientCallStreamObserver<AgentFrame> stream : streams) {
                synchronized (stream) {
                    stream.onNext(beat);
                }
            }
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        synchronized (streams) {
            streams.forEach(stream -> stream.cancel("benchmark over", null));
        }
        channel.shutdownNow();
    }
}
