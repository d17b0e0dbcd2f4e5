package dev.vnet.network.grpc;

import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Grpc;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Assembles the coordinator and runs its gRPC server for the life of the application: the registry and its
 * thread, the route table, the event hub, and the services around them.
 *
 * <p>The server is grpc-java on Netty, not Quarkus' gRPC extension: the hot path needs handlers on the transport
 * threads and long-lived streams end to end, and the agent runtime (plain Java, in client-sdk) serves its own
 * port with the same code. Quarkus serves HTTP (health, metrics) on its own port.
 */
@Singleton
public class GrpcServer {

    private static final Logger LOG = Logger.getLogger(GrpcServer.class);

    private final NetworkConfig config;
    private final RouteTable routes = new RouteTable();
    private final EventHub events = new EventHub();
    private final AgentStreams agentStreams = new AgentStreams();
    private final HealthStatusManager health = new HealthStatusManager();
    private final ScheduledExecutorService timers = DaemonThreads.scheduler("vnet-timers");
    private final RegistrySettings settings;
    private final RegistryLoop loop;
    private volatile Server server;

    public GrpcServer(NetworkConfig config) {
        this.config = config;
        Map<String, Long> idleByKind = config.idleTimeoutByKind().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis()));
        this.settings = new RegistrySettings(config.heartbeatInterval().toMillis(),
                config.aliveTimeout().toMillis(), config.idleTimeout().toMillis(), idleByKind,
                config.startTimeout().toMillis(), config.recoveryWindow().toMillis());
        this.loop = new RegistryLoop(new Registry(settings, Clock.systemUTC(), events, routes));
    }

    void start(@Observes StartupEvent startup) {
        Validation validation = new Validation(config.maxPayloadBytes());
        RequestForwarder forwarder = new RequestForwarder(routes, loop);
        List<BindableService> services = List.of(
                new ClientService(loop, events, forwarder, validation, settings, timers,
                        config.defaultRequestTimeout().toMillis(), config.sessionLease().toMillis(),
                        config.maxQueuedFrames()),
                new AgentChannelService(loop, routes, validation, agentStreams, config.maxQueuedFrames()));
        loop.start(config.tickInterval().toMillis());
        timers.scheduleWithFixedDelay(() -> agentStreams.sweep(System.nanoTime()), 10, 10, TimeUnit.MILLISECONDS);
        server = Grpc.startServer(config.host(), config.port(), Grpc.maxMessageBytes(config.maxPayloadBytes()),
                services, List.of(), health);
        health.setStatus("", ServingStatus.SERVING);
        LOG.infof("vnet network serving gRPC on %s:%d", config.host(), server.getPort());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        health.enterTerminalState();
        Server running = server;
        if (running != null) {
            Grpc.stop(running, config.shutdownGrace().toMillis());
        }
        timers.shutdownNow();
        loop.close();
    }

    public boolean isServing() {
        Server running = server;
        return running != null && !running.isShutdown();
    }

    /** The port gRPC listens on (the configured one, or the one picked when configured as 0). */
    public int port() {
        return server.getPort();
    }

    public RegistryLoop loop() {
        return loop;
    }
}
