package dev.vnet.network.grpc;

import dev.vnet.network.access.ContainerGuard;
import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.leader.LeaderState;
import dev.vnet.network.leader.LeadershipListener;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.GrpcServers;
import dev.vnet.wire.LeaderHints;
import dev.vnet.wire.Names;
import dev.vnet.wire.ServerGuard;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's gRPC server: the client API, the agent channel and the admin API, behind the serving gate.
 *
 * <p>It is grpc-java on Netty, not Quarkus' gRPC extension: the hot path needs handlers on the transport threads
 * ({@code directExecutor}, which Quarkus' server replaces with its own executor) and long-lived streams end to end,
 * and the agent runtime (plain Java, in agent-runtime) serves its own port with the same code ({@link GrpcServers}).
 * Quarkus gRPC was built and measured against it: 12 to 25 % slower on unary calls and gets (docs/PERFORMANCE.md,
 * "The coordinator's gRPC server"). Quarkus serves HTTP (health, metrics) on its own port.
 */
public final class NetworkServer implements AutoCloseable, LeadershipListener {

    /**
     * What the shell shares with the rest of the coordinator: the registry and its settings, the route table the
     * hot path reads, the events, the session owners and tickets, the stream budgets and what watches routed calls.
     */
    public record Parts(RegistrySettings settings, RegistryLoop loop, RouteTable routes, EventHub events,
            Names names, RoutedCalls routedCalls, StreamBudgets budgets, SessionOwners sessionOwners,
            SessionTicketIssuer tickets) {}

    private final NetworkConfig config;
    private final AgentStreams agentStreams = new AgentStreams();
    private final OpenStreams openStreams = new OpenStreams();
    private final HealthStatusManager health = new HealthStatusManager();
    private final ScheduledExecutorService timers = DaemonThreads.scheduler("vnet-timers");
    private final Server server;

    /**
     * @param transport    where the server listens: {@link GrpcServers#netty} on the configured address in
     *                     production, an in-process transport in tests
     * @param more         services served beside the client API and the agent channel (the admin API)
     * @param interceptors run first to last on every call, after the per-connection guard
     */
    public NetworkServer(ServerBuilder<?> transport, NetworkConfig config, Parts parts, List<BindableService> more,
            List<ServerInterceptor> interceptors) {
        this.config = config;
        NetworkConfig.Limits limits = config.limits();
        Validation validation = new Validation(config.maxPayloadBytes(), parts.names());
        List<BindableService> services = new ArrayList<>(List.of(
                new ClientService(parts.loop(), parts.events(),
                        new RequestForwarder(parts.routes(), parts.loop(), parts.routedCalls()), validation,
                        new InFlightLimit(limits.maxInFlightPerClient()), parts.settings(), timers,
                        config.defaultRequestTimeout().toMillis(), config.sessionLease().toMillis(),
                        parts.budgets().client(), openStreams,
                        new SessionAccess(parts.sessionOwners(), limits.maxSessionsPerPrincipal()),
                        new ContainerGuard(parts.loop()),
                        new ContainerQuota(limits.maxContainersPerPrincipal(), parts.events()),
                        new InFlightLimit(limits.maxInFlightPerPrincipal(), "this principal",
                                "vnet.network.limits.max-in-flight-per-principal"), parts.tickets()),
                new AgentChannelService(parts.loop(), parts.routes(), validation, agentStreams,
                        parts.budgets().agent(), openStreams, parts.tickets())));
        services.addAll(more);
        timers.scheduleWithFixedDelay(() -> agentStreams.sweep(System.nanoTime()), 10, 10, TimeUnit.MILLISECONDS);
        ServerGuard guard = new ServerGuard(new ServerGuard.Limits(limits.maxStreamsPerConnection(),
                "vnet.network.limits.max-streams-per-connection", limits.firstMessageTimeout(),
                "vnet.network.limits.first-message-timeout"), timers);
        this.server = GrpcServers.start(transport, config.host() + ":" + config.port(),
                Grpc.maxMessageBytes(config.maxPayloadBytes()), services, interceptors, health, guard);
        health.setStatus("", ServingStatus.NOT_SERVING);
    }

    /** What the standard gRPC health service answers: SERVING while this replica serves as the leader. */
    @Override
    public void leadershipChanged(LeaderState from, LeaderState to) {
        health.setStatus("", to.phase() == LeaderState.Phase.SERVING ? ServingStatus.SERVING
                : ServingStatus.NOT_SERVING);
    }

    /** Ends every client and agent stream, telling the peers why and where the leader is (when known). */
    public void endStreams(Status status, String leaderEndpoint) {
        openStreams.endAll(status, LeaderHints.trailers(leaderEndpoint));
    }

    public int port() {
        return server.getPort();
    }

    public boolean isServing() {
        return !server.isShutdown();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        GrpcServers.stop(server, config.shutdownGrace().toMillis());
        timers.shutdownNow();
    }
}
