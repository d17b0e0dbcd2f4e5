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
 * heartbeats. Lets the registry scenario put many containers into a coordinator without running them. Given several
 * coordinator replicas, an agent whose stream ends registers again with the next one (as a real agent does when the
 * leader changes), until one accepts it.
 */
final class FakeAgents implements AutoCloseable {

    /** As real agents at the coordinator's default heartbeat interval (1 s). */
    static final double HEARTBEATS_PER_SECOND = 1;
    /** The pause before an agent whose stream ended registers again: a standby refuses at once, and often. */
    private static final long RETRY_MS = 100;

    private final List<ManagedChannel> channels;
    private final ScheduledExecutorService timers = DaemonThreads.scheduler("bench-fake-agents");
    private final List<Agent> agents = new ArrayList<>();
    private volatile boolean closed;

    private FakeAgents(List<ManagedChannel> channels) {
        this.channels = channels;
    }

    /**
     * Registers {@code containers} containers on {@code agentCount} fake agents (as evenly as they divide) with the
     * replicas at {@code network} (host:port[,...]); returns once the leader accepted every agent.
     */
    static FakeAgents register(String network, int containers, int agentCount) throws Exception {
        FakeAgents fake = new FakeAgents(Endpoint.parseList(network).stream()
                .map(endpoint -> Grpc.channel(endpoint, Grpc.maxMessageBytes(64 << 20), ChannelSecurity.NONE))
                .toList());
        int perAgent = Math.max(1, (containers + agentCount - 1) / agentCount);
        for (int agent = 0; agent * perAgent < containers; agent++) {
            AgentRegister.Builder registration = AgentRegister.newBuilder().setAgentId("fake-" + agent)
                    .setInstanceId(UUID.randomUUID().toString()).setEndpoint("127.0.0.1:1").addKinds("echo");
            for (int i = agent * perAgent; i < Math.min(containers, (agent + 1) * perAgent); i++) {
                registration.addContainers(RunningContainer.newBuilder().setUuid(uuid(i)).setKind("echo")
                        .setEpoch(1));
            }
            fake.agents.add(fake.new Agent(registration.build()));
        }
        // As real agents: each heartbeats from its acceptance on, not once all are in (a thousand agents of a
        // thousand containers take half a minute to register, far past the alive timeout of the first).
        long period = (long) (1000 / HEARTBEATS_PER_SECOND);
        fake.timers.scheduleAtFixedRate(fake::heartbeat, period, period, TimeUnit.MILLISECONDS);
        try {
            fake.agents.forEach(agent -> agent.open(0));
            CompletableFuture.allOf(fake.agents.stream().map(agent -> agent.accepted)
                    .toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            return fake;
        } catch (Exception | Error notRegistered) {
            // The heartbeats already run: nothing may be left behind beating and holding channels.
            fake.close();
            throw notRegistered;
        }
    }

    /** The uuid of the {@code index}th registered container. */
    static String uuid(int index) {
        return "bench-c-" + index;
    }

    /** The fake agents, each heartbeating {@link #HEARTBEATS_PER_SECOND} times a second. */
    int count() {
        return agents.size();
    }

    private void heartbeat() {
        AgentFrame beat = AgentFrame.newBuilder().setHeartbeat(AgentHeartbeat.newBuilder()
                .setLoad(Load.getDefaultInstance()).setSentAtMs(System.currentTimeMillis())).build();
        agents.stream().filter(agent -> agent.accepted.isDone() && !agent.accepted.isCompletedExceptionally())
                .forEach(agent -> agent.send(beat));
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        agents.forEach(Agent::cancel);
        channels.forEach(ManagedChannel::shutdownNow);
    }

    /** One fake agent: its registration, and the stream it has now. */
    private final class Agent {

        final AgentRegister registration;
        /** Completed when a coordinator first accepts the registration. */
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        private ClientCallStreamObserver<AgentFrame> stream;

        Agent(AgentRegister registration) {
            this.registration = registration;
        }

        synchronized void open(int replica) {
            AgentChannelGrpc.newStub(channels.get(replica % channels.size())).connect(
                    new ClientResponseObserver<AgentFrame, NetworkFrame>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<AgentFrame> opened) {
                            stream = opened;
                        }

                        @Override
                        public void onNext(NetworkFrame frame) {
                            if (frame.hasRegistered()) {
                                accepted.complete(null);
                            }
                        }

                        @Override
                        public void onError(Throwable failure) {
                            reopen(replica, failure);
                        }

                        @Override
                        public void onCompleted() {
                            reopen(replica, new IllegalStateException("the network ended the stream"));
                        }
                    });
            // Under this agent's lock from the start of the stream: no heartbeat can go ahead of the registration.
            stream.onNext(AgentFrame.newBuilder().setRegister(registration).build());
        }

        /** With one replica an ended stream fails the benchmark; with several, the next replica is asked. */
        private void reopen(int replica, Throwable failure) {
            if (closed) {
                return;
            }
            if (channels.size() == 1 && !accepted.isDone()) {
                accepted.completeExceptionally(failure);
                return;
            }
            timers.schedule(() -> open(replica + 1), RETRY_MS, TimeUnit.MILLISECONDS);
        }

        synchronized void send(AgentFrame frame) {
            if (stream != null) {
                stream.onNext(frame);
            }
        }

        synchronized void cancel() {
            if (stream != null) {
                stream.cancel("benchmark over", null);
            }
        }
    }
}
