package dev.vnet.network;

import dev.vnet.network.admin.AdminOperations;
import dev.vnet.network.admin.StoreReadTimeout;
import dev.vnet.network.config.ConsoleConfig;
import dev.vnet.network.config.NetworkConfig;
import dev.vnet.network.events.EventHub;
import dev.vnet.network.grpc.AdminService;
import dev.vnet.network.grpc.NetworkServer;
import dev.vnet.network.grpc.RoutedCalls;
import dev.vnet.network.access.ServingGate;
import dev.vnet.network.grpc.SessionTicketIssuer;
import dev.vnet.network.leader.LeaderElection;
import dev.vnet.network.leader.LeaderLease;
import dev.vnet.network.leader.Leadership;
import dev.vnet.network.grpc.StreamBudgets;
import dev.vnet.network.metrics.NetworkMetrics;
import dev.vnet.network.tracing.NetworkTracing;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLimits;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.network.store.StoreConfig;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreWriter;
import dev.vnet.server.SecurityConfig;
import dev.vnet.server.PlaceholderSecrets;
import dev.vnet.server.ServerSecurity;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.wire.GrpcServers;
import dev.vnet.wire.Names;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import java.lang.System.Logger.Level;

/**
 * The coordinator, assembled: its parts, and the order they come up and go down in.
 *
 * <p>Up: the registry and its thread, the store writer and the gRPC server start at once, with the serving gate
 * closed (callers get UNAVAILABLE, with the leader's endpoint when it is known); {@link ElectionStartup} joins the
 * election once PostgreSQL answers. From then on {@link Leadership} decides whether this replica leads, and tells,
 * in this order, the gate, the gRPC health status, the registry ({@link RegistryTerm}) and the store writer.
 * Down: {@link ShutdownSequence}.
 */
@Singleton
public class Coordinator {

    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());

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
    private final Leadership leadership = new Leadership();
    private final LeaderLease lease;
    private final ServingGate gate;
    private final StoreWriter writer;
    private final RegistryLoop loop;
    private final RegistrySettings settings;
    private volatile AdminOperations admin;
    private volatile AuthInterceptor auth;
    private volatile NetworkServer server;
    private volatile LeaderElection election;
    private volatile ShutdownSequence shutdown;
    private volatile ElectionStartup startup;

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
        this.settings = registrySettings(config);
        this.lease = new LeaderLease(config.leader().lease());
        this.gate = new ServingGate("this coordinator is starting: waiting for its store (PostgreSQL)", lease);
        this.writer = new StoreWriter(pool, storeConfig, lease, leadership::fenced);
        this.loop = new RegistryLoop(newRegistry(), lease);
    }

    private static RegistrySettings registrySettings(NetworkConfig config) {
        Map<String, Long> idleByKind = config.idleTimeoutByKind().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis()));
        return RegistrySettings.builder()
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
        admin = new AdminOperations(storeReader, StoreReadTimeout.of(storeConfig.adminReadTimeout()), loop, events,
                new Names(limits.maxIdLength(), limits.maxLabels(), limits.maxLabelLength()), gate);
        auth = security.auth();
        NetworkServer.Parts parts = new NetworkServer.Parts(settings, loop, routes, events, admin.names(),
                RoutedCalls.all(routedCalls), budgets, sessionOwners, tickets);
        // Interceptors run last to first: every refusal is counted; who calls is checked before whether this
        // replica serves.
        server = new NetworkServer(GrpcServers.netty(config.host(), config.port(), security.tls()), config, parts,
                List.of(new AdminService(admin)), List.of(gate, auth, metrics.rpcStatuses()));
        ReplicaIdentity replica = new ReplicaIdentity(config, consoleConfig, server.port());
        metrics.watch(loop, events, writer, leadership::servingEpoch, config.metricsRefresh());
        LOG.log(Level.INFO, String.format(
                "vnet network %s listening for gRPC on %s:%d; its store is %s", replica.id(), config.host(),
                server.port(), databaseUrl));
        loop.start(config.tickInterval().toMillis());

        leadership.listen(gate);
        leadership.listen(server);
        leadership.listen(new RegistryTerm(loop, this::newRegistry, storeReader, tickets, routes, events, server,
                replica, storeConfig.timeout(), storeConfig.restoreTimeout()));
        leadership.listen(writer);
        // The bounds of the take-up's steps added up (the session ticket key's read, the restore's read and build,
        // the registry's new term), with one store timeout to spare: past it, the take-up hangs.
        Duration takeUpBound = storeConfig.restoreTimeout().multipliedBy(2).plus(storeConfig.timeout().multipliedBy(3));
        election = new LeaderElection("jdbc:" + databaseUrl, databaseUser, databasePassword.orElse(""),
                replica.id(), replica.endpoint(), replica.consoleUrl(), config.leader().retryInterval(), lease,
                config.leader().lease(), takeUpBound, leadership);
        startup = new ElectionStartup(flyway, storeReader, databaseUrl, storeConfig, leadership, election,
                replica.endpoint());
        shutdown = new ShutdownSequence(startup, leadership, election, server, admin, metrics, replica.id());
        startup.start();
    }

    void stop(@Observes ShutdownEvent event) {
        ShutdownSequence sequence = shutdown;
        if (sequence != null) {
            sequence.run();
        }
    }

    // ---- state, for health checks and tests ----

    /** Whether clients and agents are let in: this replica leads and its registry is restored. */
    public boolean isReady() {
        return gate.isOpen();
    }

    /**
     * Why this replica has not joined the election: its store is not usable yet (with the attempts so far); null
     * once it joined, and before its first attempt failed.
     */
    public String waitingForStore() {
        ElectionStartup joining = startup;
        return joining == null ? null : joining.problem();
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
        return leadership.servingEpoch();
    }
}
