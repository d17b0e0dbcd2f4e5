package dev.vnet.network.metrics;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.grpc.RoutedCalls;
import dev.vnet.network.grpc.StreamBudgets;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistryStats;
import dev.vnet.network.store.StoreWriter;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.wire.DaemonThreads;
import io.grpc.ServerInterceptor;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The coordinator's metrics ({@code vnet_*} at {@code /q/metrics}; docs/OPERATIONS.md lists them). What the registry
 * holds is sampled on its own thread every refresh interval and served from that sample, so a scrape never
 * touches the registry's state from another thread and costs the registry one short command per interval.
 */
@Singleton
public class NetworkMetrics {

    private static final System.Logger LOG = System.getLogger(NetworkMetrics.class.getName());

    private final MeterRegistry registry;
    private final RoutedCalls routedCalls;
    private final RpcStatusMetrics rpcStatuses;
    private final ScheduledExecutorService sampler = DaemonThreads.scheduler("vnet-metrics");
    private volatile RegistryStats stats = RegistryStats.EMPTY;
    private volatile int watchers;
    private volatile LongSupplier leaderEpoch = () -> 0;
    private MultiGauge containers;
    private MultiGauge heartbeatLag;

    public NetworkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.routedCalls = new RoutedCallMetrics(registry);
        this.rpcStatuses = new RpcStatusMetrics(registry);
    }

    /** Times routed requests. */
    public RoutedCalls routedCalls() {
        return routedCalls;
    }

    /** Counts readers dropped because they fell behind their queue budget, by the budget they passed. */
    public void readerDropped(String budget) {
        registry.counter("vnet.streams.dropped", "budget", budget).increment();
    }

    /** Shows the bytes client streams queue for slow readers now. */
    public void watchQueuedBytes(StreamBudgets budgets) {
        Gauge.builder("vnet.streams.queued", budgets, StreamBudgets::clientBytesQueued).baseUnit("bytes")
                .description("Bytes waiting on client streams for slow readers (bounded by "
                        + "vnet.network.limits.max-queued-bytes)").register(registry);
    }

    /** Counts failed calls of the gRPC API. */
    public ServerInterceptor rpcStatuses() {
        return rpcStatuses;
    }

    /** Starts sampling the coordinator: its registry every {@code refresh}, its store and leadership on scrape. */
    public void watch(RegistryLoop loop, EventHub events, StoreWriter writer, LongSupplier leaderEpoch,
            Duration refresh) {
        for (AgentState state : AgentState.values()) {
            if (state != AgentState.AGENT_STATE_UNSPECIFIED && state != AgentState.UNRECOGNIZED) {
                gauge("vnet.agents", "Agents registered, by state", Tags.of("state", word(state.name(), "AGENT_STATE_")),
                        s -> s.agentsByState().getOrDefault(state, 0));
            }
        }
        gauge("vnet.agent.standbys", "Standby instances waiting to take over a registered agent id", Tags.empty(),
                RegistryStats::standbyInstances);
        for (ContainerState state : ContainerState.values()) {
            if (state != ContainerState.CONTAINER_STATE_UNSPECIFIED && state != ContainerState.UNRECOGNIZED) {
                gauge("vnet.containers.by.state", "Containers, by state",
                        Tags.of("state", word(state.name(), "CONTAINER_STATE_")),
                        s -> s.containersByState().getOrDefault(state, 0));
            }
        }
        gauge("vnet.references", "References clients hold to containers", Tags.empty(), RegistryStats::references);
        gauge("vnet.sessions", "Open client sessions", Tags.empty(), RegistryStats::sessions);
        Gauge.builder("vnet.event.watchers", this, metrics -> metrics.watchers)
                .description("Clients watching events").register(registry);
        containers = MultiGauge.builder("vnet.containers").description("Containers, by kind, type and agent")
                .register(registry);
        heartbeatLag = MultiGauge.builder("vnet.agent.heartbeat.lag").baseUnit("seconds")
                .description("Time since each agent's last heartbeat").register(registry);
        // Gauges hold their object weakly: they read through this long-lived instance, not a lambda of their own.
        this.leaderEpoch = leaderEpoch;
        Gauge.builder("vnet.leader", this, metrics -> metrics.leaderEpoch.getAsLong() > 0 ? 1 : 0)
                .description("1 while this coordinator leads, 0 while it stands by").register(registry);
        Gauge.builder("vnet.leader.epoch", this, metrics -> metrics.leaderEpoch.getAsLong())
                .description("The leader epoch this coordinator leads with (0: it does not lead)").register(registry);
        Gauge.builder("vnet.store.pending.writes", writer, StoreWriter::pending)
                .description("Changes waiting to be written to PostgreSQL").register(registry);
        FunctionCounter.builder("vnet.store.rows.written", writer, StoreWriter::rowsWritten)
                .description("Rows written to PostgreSQL").register(registry);
        FunctionCounter.builder("vnet.store.flushes", writer, StoreWriter::flushes)
                .description("Transactions that wrote to PostgreSQL").register(registry);
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            Gauge.builder("vnet.store.breaker.state", writer, w -> w.breakerState() == state ? 1 : 0)
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("1 for the state the circuit breaker around the store writer's flush is in "
                            + "(closed, open, half_open), 0 for the others").register(registry);
        }
        events.observe(this::countMigrations);
        long millis = refresh.toMillis();
        sampler.scheduleWithFixedDelay(() -> sample(loop, events, refresh), 0, millis, TimeUnit.MILLISECONDS);
    }

    private void gauge(String name, String description, Tags tags, ToDoubleFunction<RegistryStats> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.stats)).description(description).tags(tags)
                .register(registry);
    }

    private void sample(RegistryLoop loop, EventHub events, Duration refresh) {
        try {
            record Sample(RegistryStats stats, int watchers) {}
            Sample sample = loop.call(r -> new Sample(r.stats(), events.size()))
                    .get(refresh.toMillis(), TimeUnit.MILLISECONDS);
            stats = sample.stats();
            watchers = sample.watchers();
            containers.register(sample.stats().containers().entrySet().stream()
                    .map(group -> MultiGauge.Row.of(Tags.of("kind", group.getKey().kind(),
                            "type", word(group.getKey().type().name(), "CONTAINER_TYPE_"),
                            "agent", group.getKey().agentId()), group.getValue()))
                    .toList(), true);
            heartbeatLag.register(sample.stats().heartbeatLagMs().entrySet().stream()
                    .map(agent -> MultiGauge.Row.of(Tags.of("agent", agent.getKey()), agent.getValue() / 1000.0))
                    .toList(), true);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, () -> String.format("metrics sample skipped: %s", e.toString()));
        }
    }

    /** Runs on the registry thread: counts finished moves by trigger and outcome. */
    private void countMigrations(Event event) {
        if (event.getKind() != EventKind.EVENT_KIND_MIGRATION_COMPLETED
                && event.getKind() != EventKind.EVENT_KIND_MIGRATION_FAILED) {
            return;
        }
        MigrationInfo move = event.getMigration();
        boolean completed = event.getKind() == EventKind.EVENT_KIND_MIGRATION_COMPLETED;
        registry.counter("vnet.migrations", "trigger", move.getTrigger(), "outcome", completed ? "completed" : "failed")
                .increment();
        if (completed) {
            Timer.builder("vnet.migration.duration").description("How long completed moves took")
                    .tag("trigger", move.getTrigger()).register(registry)
                    .record(move.getDurationMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code AGENT_STATE_DRAINING} -> {@code draining}. */
    private static String word(String enumName, String prefix) {
        return enumName.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    public void close() {
        sampler.shutdownNow();
    }
}
