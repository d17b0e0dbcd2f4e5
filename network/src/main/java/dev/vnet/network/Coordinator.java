package dev.vnet.network;

import dev.vnet.network.admin.AdminOperations;
import dev.vnet.network.config.ConsoleConfig;
import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.grpc.NetworkServer;
import dev.vnet.network.grpc.RoutedCalls;
import dev.vnet.network.grpc.ServingGate;
import dev.vnet.network.leader.LeaderElection;
import dev.vnet.network.leader.LeaderLease;
import dev.vnet.network.leader.LeaderListener;
import dev.vnet.network.grpc.StreamBudgets;
import dev.vnet.network.metrics.NetworkMetrics;
import dev.vnet.network.tracing.NetworkTracing;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLimits;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.network.grpc.SessionTicketIssuer;
import dev.vnet.network.registry.StoredState;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.network.store.StoreConfig;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreWriter;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.server.SecurityConfig;
import dev.vnet.server.PlaceholderSecrets;
import dev.vnet.server.ServerSecurity;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.wire.ColdStart;
import dev.vnet.wire.Names;
import io.grpc.Status;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

/**
 * The coordinator, assembled: the registry and its thread, the route table, the event hub, the store writer, the
 * gRPC server and the leader election, and the order they come up in.
 *
 * <p>The gRPC port opens at once, with its gate closed: callers get UNAVAILABLE, with the leader's endpoint when it
 * is known. Once PostgreSQL answers, the schema is migrated and this replica joins the election. When it is
 * elected it restores its registry from the store and opens the gate. When it is deposed it ends every client and
 * agent stream (they go to the new leader), forgets its registry and stands by again.
 */
@Singleton
public class Coordinator implements LeaderListener {

    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());

    /**
     * When callers turned away while this replica restores its registry should ask again: a restore reads the store
     * once (tens of milliseconds for thousands of containers), so a short wait, repeated, finds it serving soon after.
     */
    private static final long RESTORING_RETRY_MS = 100;

    private final NetworkConfig config;
    private final ConsoleConfig consoleConfig;
    private final SecurityConfig securityConfig;
    private final NetworkMetrics metrics;
    private final NetworkTracing tracing;
    private final StoreConfig storeConfig;
    private final Flyway flyway;
    private final StoreReader storeReader;
    private final String databaseUrl;
    private final String databaseUser;
    private final Optional<String> databasePassword;
    private final RouteTable routes = new RouteTable();
    /** Who opened each session, kept by whichever registry leads and read by the gRPC shell. */
    private final SessionOwners sessionOwners = new SessionOwners();
    private final SessionTicketIssuer tickets = new SessionTicketIssuer();
    private final EventHub events = new EventHub();
    private final LeaderLease lease;
    private final ServingGate gate;
    private final StoreWriter writer;
    private final RegistryLoop loop;
    private final RegistrySettings settings;
    private volatile AdminOperations admin;
    private volatile AuthInterceptor auth;
    private volatile NetworkServer server;
    private volatile LeaderElection election;
    private volatile Thread startup;
    private volatile long leaderEpoch;

    public Coordinator(NetworkConfig config, ConsoleConfig consoleConfig, SecurityConfig securityConfig, StoreConfig storeConfig, Flyway flyway,
            StoreReader storeReader, Pool pool, NetworkMetrics metrics, NetworkTracing tracing,
            @ConfigProperty(name = "vnet.db.url") String databaseUrl,
            @ConfigProperty(name = "vnet.db.user") String databaseUser,
            @ConfigProperty(name = "vnet.db.password") Optional<String> databasePassword) {
        this.config = config;
        this.consoleConfig = consoleConfig;
        this.securityConfig = securityConfig;
        this.metrics = metrics;
        this.tracing = tracing;
        this.storeConfig = storeConfig;
        this.flyway = flyway;
        this.storeReader = storeReader;
        this.databaseUrl = databaseUrl;
        this.databaseUser = databaseUser;
        this.databasePassword = databasePassword;
        Map<String, Long> idleByKind = config.idleTimeoutByKind().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis()));
        this.settings = RegistrySettings.builder()
                .heartbeatIntervalMs(config.heartbeatInterval().toMillis())
                .aliveTimeoutMs(config.aliveTimeout().toMillis())
                .idleTimeoutMs(config.idleTimeout().toMillis())
                .idleTimeoutByKindMs(idleByKind)
                .startTimeoutMs(config.startTimeout().toMillis())
                .recoveryWindowMs(config.recoveryWindow().toMillis())
                .maxConcurrentMigrations(config.maxConcurrentMigrations())
                .drainTimeoutMs(config.drainTimeout().toMillis())
                .limits(new RegistryLimits(config.limits().maxContainersPerSession(), config.limits().maxAgents()))
                .blipGraceMs(config.blipGrace().toMillis())
                .build();
        this.lease = new LeaderLease(config.leader().lease());
        this.gate = new ServingGate("this coordinator is starting: waiting for its store (PostgreSQL)", lease);
        this.writer = new StoreWriter(pool, storeConfig, lease);
        this.loop = new RegistryLoop(newRegistry(), lease);
    }

    private Registry newRegistry() {
        return new Registry(settings, Clock.systemUTC(), events, routes, writer, sessionOwners);
    }

    void start(@Observes StartupEvent event) {
        PlaceholderSecrets.refuse("vnet.db.password", databasePassword);
        ServerSecurity security = ServerSecurity.from(securityConfig, "the network's gRPC port " + config.port());
        List<RoutedCalls> routedCalls = new ArrayList<>(List.of(metrics.routedCalls()));
        tracing.routedCalls().ifPresent(routedCalls::add);
        StreamBudgets budgets = new StreamBudgets(config, metrics::readerDropped);
        metrics.watchQueuedBytes(budgets);
        NetworkConfig.Limits limits = config.limits();
        admin = new AdminOperations(storeReader, loop, events,
                new Names(limits.maxIdLength(), limits.maxLabels(), limits.maxLabelLength()), gate);
        auth = security.auth();
        server = new NetworkServer(config, security, settings, loop, routes, events, admin, gate,
                RoutedCalls.all(routedCalls), metrics.rpcStatuses(), budgets, sessionOwners, tickets);
        metrics.watch(loop, events, writer, this::leaderEpoch, config.metricsRefresh());
        LOG.log(Level.INFO, String.format(
                "vnet network %s listening for gRPC on %s:%d; its store is %s", replicaId(), config.host(),
                server.port(), databaseUrl));
        loop.start(config.tickInterval().toMillis());
        startup = new Thread(this::joinElection, "vnet-startup");
        startup.setDaemon(true);
        startup.start();
    }

    /** Migrates the schema (retrying until PostgreSQL answers), then stands for election. */
    private void joinElection() {
        // A standby that is elected routes at once: its first request must not build the contract's descriptors.
        ColdStart.warmUp();
        String lastProblem = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                flyway.migrate();
                // The first read through Hibernate Reactive builds its session factory: do it now, not during a
                // takeover, where it would add hundreds of milliseconds.
                storeReader.leader();
                gate.close("this coordinator stands by: it does not lead");
                election = new LeaderElection("jdbc:" + databaseUrl, databaseUser, databasePassword.orElse(""),
                        replicaId(), advertisedEndpoint(), consoleUrl(), config.leader().retryInterval(), lease,
                        config.leader().lease(), this);
                election.start();
                return;
            } catch (Exception e) {
                String problem = rootCause(e);
                if (!problem.equals(lastProblem)) {
                    LOG.log(Level.WARNING, String.format(
                            "PostgreSQL at %s is not usable (%s); retrying every %d ms, readiness stays DOWN until "
                            + "it answers", databaseUrl, problem, storeConfig.retryInterval().toMillis()));
                    lastProblem = problem;
                }
                sleep(storeConfig.retryInterval().toMillis());
            }
        }
    }

    // ---- leadership ----

    @Override
    public boolean elected(long epoch, boolean continuing) {
        try {
            // Callers must not be sent to the replica that led before: this one leads now, and is ready shortly.
            gate.pointAt(advertisedEndpoint());
            if (!continuing) {
                gate.close("this coordinator was elected leader (epoch " + epoch + ") and is restoring its registry "
                        + "from the store; try it again in " + RESTORING_RETRY_MS + " ms");
            }
            // Before the gate opens: agents' acknowledgements and get answers carry what derives from it.
            tickets.useNetworkKey(storeReader.sessionTicketKey());
            if (continuing) {
                loop.call(registry -> {
                    registry.newTerm(epoch);
                    return null;
                }).get(storeConfig.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                StoredState state = storeReader.load(epoch);
                loop.call(registry -> {
                    registry.restore(state);
                    return null;
                }).get(storeConfig.timeout().toMillis(), TimeUnit.MILLISECONDS);
                LOG.log(Level.INFO, String.format(
                        "restored %d agents and %d containers from the store", state.agents().size(),
                        state.containers().size()));
            }
            writer.start(epoch, newer -> election.stepDown("the store's leader epoch is " + newer + ", not " + epoch));
            leaderEpoch = epoch;
            gate.pointAt(advertisedEndpoint());
            gate.open();
            server.serving(true);
            LeaderInfo leader = LeaderInfo.newBuilder().setEpoch(epoch).setHolder(replicaId())
                    .setEndpoint(advertisedEndpoint()).setConsoleUrl(consoleUrl()).setSinceMs(System.currentTimeMillis())
                    .build();
            loop.run(registry -> registry.leaderChanged(leader));
            LOG.log(Level.INFO, String.format(
                    "vnet network %s leads with epoch %d and serves, %d ms after the process started", replicaId(),
                    epoch, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.log(Level.WARNING, String.format("cannot take up leadership with epoch %d: %s", epoch, rootCause(e)));
            deposed("it could not restore its registry");
            return false;
        }
    }

    @Override
    public void deposed(String reason) {
        // First of all: nothing queued for the old registry (or held back while the lease was in doubt) may act.
        loop.retire();
        leaderEpoch = 0;
        // It pointed at itself; who leads now, the election finds out at its next look.
        gate.pointAt(null);
        gate.close("this coordinator no longer leads (" + reason + ")");
        server.serving(false);
        server.endStreams(Status.UNAVAILABLE.withDescription("this coordinator no longer leads: " + reason),
                gate.leaderEndpoint());
        try {
            // Once the old registry is gone nothing can feed the writer or the route table any more.
            loop.replace(newRegistry()).get(storeConfig.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.ERROR, String.format("the registry thread did not take its fresh registry in time (%s)", e));
        }
        routes.clear();
        events.clear();
        writer.stop();
    }

    @Override
    public void leaderIs(LeaderInfo leader) {
        gate.pointAt(leader.getEndpoint());
    }

    /**
     * SIGTERM: hands over at once. Clients and agents are told to go (and go to a standby, which takes the lock at
     * its next try), what is pending is written under this replica's epoch while it still holds the lock, then the
     * lock is released.
     */
    void stop(@Observes ShutdownEvent event) {
        Thread running = startup;
        if (running != null) {
            running.interrupt();
        }
        boolean led = leaderEpoch != 0;
        gate.pointAt(null);
        gate.close("this coordinator is shutting down");
        NetworkServer grpc = server;
        if (grpc != null) {
            grpc.serving(false);
            grpc.endStreams(Status.UNAVAILABLE.withDescription("this coordinator is shutting down"), "");
        }
        loop.close();
        writer.close();
        LeaderElection elected = election;
        if (elected != null) {
            // Closing the session releases the lock: a standby takes over at its next try.
            elected.close();
        }
        if (led) {
            LOG.log(Level.INFO, String.format(
                    "vnet network %s stopped leading (epoch %d): it is shutting down", replicaId(), leaderEpoch));
        }
        if (grpc != null) {
            grpc.close();
        }
        AdminOperations operations = admin;
        if (operations != null) {
            operations.close();
        }
        metrics.close();
    }

    // ---- state, for health checks and tests ----

    /** Whether clients and agents are let in: this replica leads and its registry is restored. */
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

    /** What operators may ask and do, shared by the gRPC and HTTP APIs; null before start-up. */
    public AdminOperations admin() {
        return admin;
    }

    /** Replicas standing by behind this leader, as last counted; 0 while it does not lead. */
    public int standbyReplicas() {
        LeaderElection elected = election;
        return elected == null ? 0 : elected.standbyReplicas();
    }

    /** The bearer-token check of the gRPC port, which the HTTP API applies too; null before start-up. */
    public AuthInterceptor auth() {
        return auth;
    }

    public RegistryLoop loop() {
        return loop;
    }

    public StoreWriter writer() {
        return writer;
    }

    /** The epoch this replica leads with; 0 while it does not lead. */
    public long leaderEpoch() {
        return leaderEpoch;
    }

    private String replicaId() {
        return config.replicaId().orElseGet(Coordinator::hostName);
    }

    /** Where operators reach this replica's console: vnet.console.url, else its advertised host and HTTP port. */
    private String consoleUrl() {
        return consoleConfig.url().orElseGet(() -> "http://" + advertisedHost() + ":"
                + ConfigProvider.getConfig().getOptionalValue(LaunchMode.current() == LaunchMode.TEST
                        ? "quarkus.http.test-port" : "quarkus.http.port", Integer.class).orElse(8080) + "/");
    }

    private String advertisedHost() {
        return config.advertisedHost().orElseGet(() -> config.host().equals("0.0.0.0") ? localAddress()
                : config.host());
    }

    private String advertisedEndpoint() {
        return advertisedHost() + ":" + server.port();
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
