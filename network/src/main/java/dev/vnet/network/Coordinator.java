package dev.vnet.network;

import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.grpc.NetworkServer;
import dev.vnet.network.grpc.ServingGate;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.StoredState;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.network.store.StoreConfig;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreStartup;
import dev.vnet.network.store.StoreWriter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The coordinator, assembled: the registry and its thread, the route table, the event hub, the store writer and
 * the gRPC server, and the order they come up in.
 *
 * <p>The gRPC port opens at once, but its gate stays closed (callers get UNAVAILABLE with the reason) until the
 * store has answered: schema migrated, leader epoch taken, registry restored. While PostgreSQL is unreachable the
 * coordinator says so and keeps trying; readiness stays DOWN until then.
 */
@Singleton
public class Coordinator {

    private static final Logger LOG = Logger.getLogger(Coordinator.class);

    private final NetworkConfig config;
    private final StoreConfig storeConfig;
    private final StoreStartup storeStartup;
    private final StoreReader storeReader;
    private final String databaseUrl;
    private final RouteTable routes = new RouteTable();
    private final EventHub events = new EventHub();
    private final ServingGate gate = new ServingGate("the coordinator is starting: waiting for its store (PostgreSQL)");
    private final StoreWriter writer;
    private final RegistryLoop loop;
    private final RegistrySettings settings;
    private volatile NetworkServer server;
    private volatile Thread startup;
    private volatile long leaderEpoch;

    public Coordinator(NetworkConfig config, StoreConfig storeConfig, StoreStartup storeStartup,
            StoreReader storeReader, Pool pool, @ConfigProperty(name = "vnet.db.url") String databaseUrl) {
        this.config = config;
        this.storeConfig = storeConfig;
        this.storeStartup = storeStartup;
        this.storeReader = storeReader;
        this.databaseUrl = databaseUrl;
        Map<String, Long> idleByKind = config.idleTimeoutByKind().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis()));
        this.settings = new RegistrySettings(config.heartbeatInterval().toMillis(), config.aliveTimeout().toMillis(),
                config.idleTimeout().toMillis(), idleByKind, config.startTimeout().toMillis(),
                config.recoveryWindow().toMillis(), config.maxConcurrentMigrations(), config.drainTimeout().toMillis());
        this.writer = new StoreWriter(pool, storeConfig);
        this.loop = new RegistryLoop(new Registry(settings, Clock.systemUTC(), events, routes, writer));
    }

    void start(@Observes StartupEvent event) {
        server = new NetworkServer(config, settings, loop, routes, events, storeReader, gate);
        LOG.infof("vnet network listening for gRPC on %s:%d; connecting to its store at %s", config.host(),
                server.port(), databaseUrl);
        startup = new Thread(this::bringUp, "vnet-startup");
        startup.setDaemon(true);
        startup.start();
    }

    /** Store first, then the registry from it, then the gate: retried until PostgreSQL answers. */
    private void bringUp() {
        String lastProblem = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                storeStartup.migrate();
                long epoch = storeStartup.takeLeaderEpoch(replicaId(), advertisedEndpoint());
                StoredState state = storeReader.load(epoch);
                loop.call(registry -> {
                    registry.restore(state);
                    return null;
                }).get(storeConfig.timeout().toMillis(), TimeUnit.MILLISECONDS);
                writer.start(epoch, newer -> LOG.errorf("deposed by a coordinator with epoch %d", newer));
                loop.start(config.tickInterval().toMillis());
                leaderEpoch = epoch;
                gate.open();
                server.serving(true);
                LOG.infof("vnet network serving with leader epoch %d: restored %d agents and %d containers; "
                        + "%d ms after the process started", epoch, state.agents().size(), state.containers().size(),
                        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                String problem = rootCause(e);
                if (!problem.equals(lastProblem)) {
                    LOG.warnf("PostgreSQL at %s is not usable (%s); retrying every %d ms, readiness stays DOWN until "
                            + "it answers", databaseUrl, problem, storeConfig.retryInterval().toMillis());
                    lastProblem = problem;
                }
                sleep(storeConfig.retryInterval().toMillis());
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        Thread running = startup;
        if (running != null) {
            running.interrupt();
        }
        gate.close("the coordinator is shutting down");
        NetworkServer grpc = server;
        if (grpc != null) {
            grpc.close();
        }
        loop.close();
        writer.close();
    }

    /** Whether clients and agents are let in: the store answered and the registry is restored. */
    public boolean isReady() {
        return gate.isOpen();
    }

    public boolean isListening() {
        NetworkServer grpc = server;
        return grpc != null && grpc.isServing();
    }

    public int grpcPort() {
        return server.port();
    }

    public RegistryLoop loop() {
        return loop;
    }

    public StoreWriter writer() {
        return writer;
    }

    public long leaderEpoch() {
        return leaderEpoch;
    }

    private String replicaId() {
        return config.replicaId().orElseGet(Coordinator::hostName);
    }

    private String advertisedEndpoint() {
        String host = config.advertisedHost().orElseGet(() -> config.host().equals("0.0.0.0") ? localAddress()
                : config.host());
        return host + ":" + server.port();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "network";
        }
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
