package dev.vnet.network.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.registry.ManualClock;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.network.registry.StoreSink;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import dev.vnet.proto.v1.SessionWelcome;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.wire.Names;
import dev.vnet.wire.Received;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gRPC shell (client service and agent channel) as {@link NetworkServer} serves it, around a real
 * registry whose clock moves (and which ticks) only when a test says so, served in-process: tests talk to it
 * through the generated stubs, as clients and agents do. No Quarkus, no database (the store sink stores nothing).
 */
final class ShellHarness implements AutoCloseable {

    static final long ALIVE_MS = 3000;
    private static final long REQUEST_TIMEOUT_MS = 5000;
    /** How long a test waits for what must happen: a failure bound, never a figure. */
    static final long WAIT_SECONDS = Received.WAIT_SECONDS;

    private final ManualClock clock = new ManualClock();
    private final RouteTable routes = new RouteTable();
    private final EventHub events = new EventHub();
    final RegistrySettings settings = RegistrySettings.builder().aliveTimeoutMs(ALIVE_MS).recoveryWindowMs(0)
            .build();
    private final RegistryLoop loop;
    private final NetworkServer server;
    private final ManagedChannel channel;

    ShellHarness() {
        SessionOwners owners = new SessionOwners();
        loop = new RegistryLoop(new Registry(settings, clock, events, routes, StoreSink.NONE, owners));
        NetworkConfig config = config(Map.of(
                "vnet.network.alive-timeout", ALIVE_MS + "ms",
                "vnet.network.session-lease", ALIVE_MS + "ms",
                "vnet.network.default-request-timeout", REQUEST_TIMEOUT_MS + "ms",
                "vnet.network.limits.first-message-timeout", WAIT_SECONDS + "s",
                "vnet.network.shutdown-grace", "0s"));
        SessionTicketIssuer tickets = new SessionTicketIssuer();
        NetworkServer.Parts parts = new NetworkServer.Parts(settings, loop, routes, events,
                new Names(config.limits().maxIdLength(), config.limits().maxLabels(),
                        config.limits().maxLabelLength()),
                RoutedCalls.NONE, new StreamBudgets(config, budget -> { }), owners, tickets);
        String name = InProcessServerBuilder.generateName();
        server = new NetworkServer(InProcessServerBuilder.forName(name), config, parts, List.of(),
                List.of(AuthInterceptor.off()));
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        tickets.useNetworkKey(new byte[32]);
    }

    /**
     * The coordinator's configuration as it reads it: the documented defaults, with {@code overrides}, durations
     * written as Quarkus reads them ("3s").
     */
    private static NetworkConfig config(Map<String, String> overrides) {
        return new SmallRyeConfigBuilder().withMapping(NetworkConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(overrides, "shell-harness", 500)).build()
                .getConfigMapping(NetworkConfig.class);
    }

    /**
     * {@code millis} pass as they do in production: the registry ticks at least once per heartbeat interval (it
     * forgives longer gaps as its own stall). The commands the streams queued before run first, at the time they
     * came.
     */
    void pass(long millis) {
        registry(registry -> null);
        long step = settings.heartbeatIntervalMs();
        for (long left = millis; left > 0; left -= step) {
            clock.advance(Math.min(step, left));
            tick();
        }
    }

    private void tick() {
        registry(registry -> {
            registry.tick();
            return null;
        });
    }

    /** What {@code query} answers on the registry thread, after the commands the streams queued before. */
    <T> T registry(Function<Registry, T> query) {
        try {
            return loop.call(query).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the registry did not answer within " + WAIT_SECONDS + " s", e);
        }
    }

    /** The registry's clock. */
    long now() {
        return clock.millis();
    }

    /** A client's {@code Session} stream, opened: its 'hello' was welcomed. */
    Session session(String clientName) {
        return session(clientName, false);
    }

    /** A client's session stream, opened; {@code acceptsBatches} as a client that understands batches says it. */
    Session session(String clientName, boolean acceptsBatches) {
        Received<ServerFrame> frames = new Received<>();
        StreamObserver<ClientFrame> requests = NetworkGrpc.newStub(channel).session(frames);
        requests.onNext(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName(clientName)
                .setAcceptsBatches(acceptsBatches)).build());
        ServerFrame welcome = frames.next();
        assertThat(welcome.hasWelcome()).as("the first frame of a session: %s", welcome).isTrue();
        return new Session(requests, frames, welcome.getWelcome());
    }

    /** An agent's {@code AgentChannel.Connect} stream, registered: its registration was acknowledged. */
    Agent agent(String agentId, String... kinds) {
        return agent(agentId, false, kinds);
    }

    /** An agent's stream, registered; {@code acceptsBatches} as an agent that understands batches says it. */
    Agent agent(String agentId, boolean acceptsBatches, String... kinds) {
        Received<NetworkFrame> frames = new Received<>();
        StreamObserver<AgentFrame> out = agentChannel().connect(frames);
        out.onNext(AgentFrame.newBuilder().setRegister(AgentRegister.newBuilder().setAgentId(agentId)
                .setInstanceId(agentId + "-1").setEndpoint("127.0.0.1:1").addAllKinds(List.of(kinds))
                .setAcceptsBatches(acceptsBatches)).build());
        NetworkFrame ack = frames.next();
        assertThat(ack.hasRegistered()).as("the first frame to an agent: %s", ack).isTrue();
        return new Agent(out, frames, ack);
    }

    /**
     * Gets a new container of {@code kind} for {@code session}, which {@code agent} (the only one with the kind)
     * starts; answers its uuid.
     */
    String create(Session session, Agent agent, String kind, long callId) {
        session.out().onNext(ClientFrame.newBuilder().setCallId(callId)
                .setGet(GetRequest.newBuilder().setKind(kind)).build());
        StartContainer start = agent.in().next(NetworkFrame::hasStart).getStart();
        assertThat(start.getKind()).isEqualTo(kind);
        agent.out().onNext(AgentFrame.newBuilder().setStarted(ContainerStarted.newBuilder().setUuid(start.getUuid())
                .setEpoch(start.getEpoch())).build());
        ServerFrame got = session.in().next(frame -> frame.getCallId() == callId);
        assertThat(got.hasGet()).as("the answer to 'get': %s", got).isTrue();
        assertThat(got.getGet().getCreated()).isTrue();
        assertThat(got.getGet().getContainer().getUuid()).isEqualTo(start.getUuid());
        return start.getUuid();
    }

    NetworkGrpc.NetworkStub client() {
        return NetworkGrpc.newStub(channel);
    }

    AgentChannelGrpc.AgentChannelStub agentChannel() {
        return AgentChannelGrpc.newStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.close();
        loop.close();
    }

    record Session(StreamObserver<ClientFrame> out, Received<ServerFrame> in, SessionWelcome welcome) {}

    record Agent(StreamObserver<AgentFrame> out, Received<NetworkFrame> in, NetworkFrame registered) {}
}
