package dev.vnet.network.store;

import dev.vnet.network.leader.LeaderState;
import dev.vnet.network.leader.LeadershipListener;
import dev.vnet.network.registry.Mandate;
import dev.vnet.network.registry.StoreSink;
import dev.vnet.network.registry.StoredAgent;
import dev.vnet.network.registry.StoredContainer;
import dev.vnet.network.registry.StoredHealth;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.wire.DaemonThreads;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.lang.System.Logger.Level;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Writes what the registry asks to the store, behind its back: changes are coalesced by key (the newest state of
 * an agent's health or of a container replaces older ones not yet written) and flushed together, in one
 * transaction, every flush interval. A hundred agents heartbeating every second cost one round trip per flush,
 * not a hundred. A flush writes at most {@code vnet.store.max-rows-per-flush} container and move rows, and a backlog
 * larger than that is written by flushes one after the other, so that no transaction holds the leader row for long.
 *
 * <p>Every flush is fenced: it reads the leader epoch under a share lock first and writes nothing when the epoch
 * is no longer this coordinator's. When the database is away, pending changes stay in memory (coalesced, so
 * bounded by the number of agents and containers) and the flush is retried until it succeeds: nothing is lost.
 *
 * <p>Flushes go through a SmallRye Fault Tolerance circuit breaker ({@code vnet.store.breaker.*}): once enough of
 * them failed, none is tried for the breaker's delay, so that an outage is not hammered four times a second;
 * then one is let through, and its success closes the breaker. A flush the breaker refuses is a failed flush: what
 * it would have written stays pending. The fence is inside the guarded transaction, so a refused flush writes
 * nothing and a let-through one is fenced like any other.
 */
public final class StoreWriter implements StoreSink, AutoCloseable, LeadershipListener {

    private static final System.Logger LOG = System.getLogger(StoreWriter.class.getName());

    private static final String FENCE = "SELECT epoch FROM coordinator_leader WHERE id = 1 FOR SHARE";
    private static final String UPSERT_AGENT = """
            INSERT INTO agents (id, instance_id, endpoint, cluster, labels, kinds, capacity, first_seen, last_seen,
                                written_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (id) DO UPDATE SET instance_id = EXCLUDED.instance_id, endpoint = EXCLUDED.endpoint,
                cluster = EXCLUDED.cluster, labels = EXCLUDED.labels, kinds = EXCLUDED.kinds,
                capacity = EXCLUDED.capacity, last_seen = EXCLUDED.last_seen, written_epoch = EXCLUDED.written_epoch
            """;
    private static final String UPSERT_HEALTH = """
            INSERT INTO node_health (agent_id, status, last_heartbeat, capacity, load, updated_at, written_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (agent_id) DO UPDATE SET status = EXCLUDED.status, last_heartbeat = EXCLUDED.last_heartbeat,
                capacity = EXCLUDED.capacity, load = EXCLUDED.load, updated_at = EXCLUDED.updated_at,
                written_epoch = EXCLUDED.written_epoch
            """;
    private static final String UPSERT_CONTAINER = """
            INSERT INTO containers (uuid, kind, type, labels, spec, spec_content_type, resources, agent_id, epoch,
                                    migration_status, preferred_cluster, last_migration_at, created_at, updated_at,
                                    written_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (uuid) DO UPDATE SET kind = EXCLUDED.kind, type = EXCLUDED.type, labels = EXCLUDED.labels,
                spec = EXCLUDED.spec, spec_content_type = EXCLUDED.spec_content_type, resources = EXCLUDED.resources,
                agent_id = EXCLUDED.agent_id, epoch = EXCLUDED.epoch, migration_status = EXCLUDED.migration_status,
                preferred_cluster = EXCLUDED.preferred_cluster, last_migration_at = EXCLUDED.last_migration_at,
                updated_at = EXCLUDED.updated_at, written_epoch = EXCLUDED.written_epoch
            """;
    private static final String DELETE_CONTAINER = "DELETE FROM containers WHERE uuid = $1";
    private static final String INSERT_MIGRATION = """
            INSERT INTO container_migration_history (container_uuid, from_agent, to_agent, trigger, status, started_at,
                                                     finished_at, duration_ms, error, written_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """;

    private final Pool pool;
    private final StoreConfig config;
    private final int maxRowsPerFlush;
    private final Mandate mandate;
    /** Told the newer leader epoch a flush found: how the leadership learns that another replica took over. */
    private final Consumer<Long> fence;
    private final ScheduledExecutorService thread = DaemonThreads.scheduler("vnet-store-writer");
    private final Map<String, StoredAgent> agents = new ConcurrentHashMap<>();
    private final Map<String, StoredHealth> health = new ConcurrentHashMap<>();
    /** Containers to upsert, or (empty) to delete. */
    private final Map<String, Optional<StoredContainer>> containers = new ConcurrentHashMap<>();
    /** Finished moves, appended in order. */
    private final ConcurrentLinkedQueue<MigrationInfo> migrations = new ConcurrentLinkedQueue<>();
    /** Who waits for a container row to be written, by uuid. */
    private final Map<String, List<CompletableFuture<Void>>> durableWaiters = new ConcurrentHashMap<>();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private volatile long epoch;
    private volatile Consumer<Long> onDeposed = newer -> { };
    private volatile boolean deposed;
    private ScheduledFuture<?> flushing;
    private long failingSinceNanos;
    private final Guard breaker;
    /** The breaker's state, as its transitions report it (on the writer's thread); read by health and metrics. */
    private volatile CircuitBreakerState breakerState = CircuitBreakerState.CLOSED;
    /** Why the last flush failed; read by the readiness check while the breaker is open. */
    private volatile String lastFailure = "";

    public StoreWriter(Pool pool, StoreConfig config) {
        this(pool, config, Mandate.UNCONDITIONAL, newer -> { });
    }

    /**
     * @param mandate while it is in doubt (the leader lease ran out by this replica's clock) nothing is flushed
     * @param fence   told the newer leader epoch when a flush finds one, while following the leadership
     */
    public StoreWriter(Pool pool, StoreConfig config, Mandate mandate, Consumer<Long> fence) {
        this.pool = pool;
        this.config = config;
        if (config.maxRowsPerFlush() < 1) {
            throw new IllegalArgumentException("vnet.store.max-rows-per-flush must be at least 1, not "
                    + config.maxRowsPerFlush());
        }
        this.maxRowsPerFlush = config.maxRowsPerFlush();
        this.mandate = mandate;
        this.fence = fence;
        StoreConfig.Breaker settings = config.breaker();
        this.breaker = Guard.create()
                .withDescription("store writer flush")
                .withCircuitBreaker()
                    .requestVolumeThreshold(settings.requestVolumeThreshold())
                    .failureRatio(settings.failureRatio())
                    .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(settings.successThreshold())
                    .onStateChange(this::breakerChanged)
                    .done()
                .build();
    }

    /**
     * Writes under the epoch this replica leads with, from the moment its registry is restored (or under the new
     * epoch of a new term); drops what is pending once deposed; writes what is pending one last time on shutdown.
     */
    @Override
    public void leadershipChanged(LeaderState from, LeaderState to) {
        switch (to.phase()) {
            case RESTORING, SERVING -> {
                if (to.epoch() != epoch) {
                    start(to.epoch(), fence);
                }
            }
            case DEPOSED -> stop();
            case STOPPED -> close();
            default -> {
                // standing by: nothing was started
            }
        }
    }

    /**
     * Starts flushing, fenced by {@code leaderEpoch}; or, when already started, goes on under a new leader epoch
     * (this coordinator took the lock again), keeping what is pending.
     */
    public synchronized void start(long leaderEpoch, Consumer<Long> deposedListener) {
        this.epoch = leaderEpoch;
        this.onDeposed = deposedListener;
        this.deposed = false;
        if (flushing == null) {
            long interval = config.flushInterval().toMillis();
            flushing = thread.scheduleWithFixedDelay(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Stops writing and drops what is pending: this coordinator no longer leads, its view no longer counts. Runs
     * on the writer's thread, after a flush in progress, so that a failed flush cannot put changes back afterwards.
     * Call it once the registry that fed this writer is gone.
     */
    public void stop() {
        synchronized (this) {
            deposed = true;
            if (flushing != null) {
                flushing.cancel(false);
                flushing = null;
            }
        }
        try {
            thread.submit(this::dropPending).get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, String.format(
                    "could not drop the pending store writes cleanly (%s); dropping them now", e));
            dropPending();
        }
    }

    private void dropPending() {
        agents.clear();
        health.clear();
        containers.clear();
        migrations.clear();
        IllegalStateException notLeading = new IllegalStateException("this coordinator no longer leads");
        durableWaiters.values().forEach(waiters -> waiters.forEach(w -> w.completeExceptionally(notLeading)));
        durableWaiters.clear();
    }

    // ---- StoreSink: called on the registry thread, never blocks ----

    @Override
    public void agent(StoredAgent agent) {
        agents.put(agent.agentId(), agent);
    }

    @Override
    public void health(StoredHealth update) {
        health.put(update.agentId(), update);
    }

    @Override
    public void container(StoredContainer container) {
        containers.put(container.uuid(), Optional.of(container));
    }

    @Override
    public void containerRemoved(String uuid) {
        containers.put(uuid, Optional.empty());
    }

    @Override
    public void migration(MigrationInfo migration) {
        migrations.add(migration);
    }

    @Override
    public CompletableFuture<Void> containerDurably(StoredContainer container) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        durableWaiters.computeIfAbsent(container.uuid(), uuid -> new CopyOnWriteArrayList<>()).add(written);
        container(container);
        thread.execute(this::flushQuietly);
        return written;
    }

    // ---- flushing ----

    /** Changes waiting to be written: the depth of the write queue. */
    public int pending() {
        return agents.size() + health.size() + containers.size() + migrations.size();
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    /** Transactions that wrote something. */
    public long flushes() {
        return flushes.get();
    }

    /** Flushes, and goes on at once while a backlog is left: the flush interval paces changes, not a backlog. */
    private void flushQuietly() {
        try {
            if (flush()) {
                thread.execute(this::flushQuietly);
            }
        } catch (RejectedExecutionException closing) {
            // close() writes what is left
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "store flush failed unexpectedly", e);
        }
    }

    /**
     * Writes what is pending in one fenced transaction: every agent and heartbeat, and at most
     * {@code vnet.store.max-rows-per-flush} containers and moves (containers someone waits to see written first); on
     * failure, or when the breaker refuses the attempt, puts it back for the next. While the breaker is not closed a
     * flush is tried even with nothing pending: the fence's read alone then tells whether PostgreSQL is back, so that
     * the breaker closes after a store outage in which nothing was left to write.
     *
     * @return whether it wrote and left rows for another flush
     */
    boolean flush() {
        if (deposed || mandate.inDoubt() || pending() == 0 && breakerState == CircuitBreakerState.CLOSED) {
            return false;
        }
        // Heartbeats before agents: the registry puts a new agent's row before its first heartbeat, so every
        // heartbeat taken has its agent's row in this flush or an earlier one. Taken the other way round, an agent
        // registering between the two takes left its heartbeat without its row, and the foreign key failed the
        // whole flush (seen while a thousand agents registered at once).
        List<StoredHealth> healthBatch = take(health, Integer.MAX_VALUE, Set.of()).stream().map(Map.Entry::getValue)
                .toList();
        List<StoredAgent> agentBatch = take(agents, Integer.MAX_VALUE, Set.of()).stream().map(Map.Entry::getValue)
                .toList();
        List<Map.Entry<String, Optional<StoredContainer>>> containerBatch = take(containers, maxRowsPerFlush,
                durableWaiters.keySet());
        List<MigrationInfo> migrationBatch = new ArrayList<>();
        for (MigrationInfo next; containerBatch.size() + migrationBatch.size() < maxRowsPerFlush
                && (next = migrations.poll()) != null; ) {
            migrationBatch.add(next);
        }
        int rows = agentBatch.size() + healthBatch.size() + containerBatch.size() + migrationBatch.size();
        try {
            long current = breaker.call(() -> pool.withTransaction(connection -> write(connection, agentBatch,
                    healthBatch, containerBatch, migrationBatch)).await().atMost(config.timeout()), Long.class);
            if (current != epoch) {
                deposed = true;
                LOG.log(Level.ERROR, String.format(
                        "the store's leader epoch is %d, not this coordinator's %d: another coordinator has taken "
                        + "over; this one writes nothing more", current, epoch));
                onDeposed.accept(current);
                return false;
            }
            if (rows > 0) {
                rowsWritten.addAndGet(rows);
                flushes.incrementAndGet();
            }
            for (Map.Entry<String, Optional<StoredContainer>> written : containerBatch) {
                List<CompletableFuture<Void>> waiters = durableWaiters.remove(written.getKey());
                if (waiters != null) {
                    waiters.forEach(waiter -> waiter.complete(null));
                }
            }
            if (failingSinceNanos != 0) {
                LOG.log(Level.INFO, String.format(
                        "store writes caught up after %d ms without PostgreSQL (%d changes written)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSinceNanos), rows));
                failingSinceNanos = 0;
            }
            return containerBatch.size() + migrationBatch.size() >= maxRowsPerFlush;
        } catch (Exception failure) {
            if (!(failure instanceof CircuitBreakerOpenException)) {
                lastFailure = rootCause(failure);
            }
            agentBatch.forEach(a -> agents.putIfAbsent(a.agentId(), a));
            healthBatch.forEach(h -> health.putIfAbsent(h.agentId(), h));
            containerBatch.forEach(e -> containers.putIfAbsent(e.getKey(), e.getValue()));
            List<MigrationInfo> unwritten = new ArrayList<>(migrationBatch);
            unwritten.addAll(migrations);
            migrations.clear();
            migrations.addAll(unwritten);
            if (failingSinceNanos == 0) {
                failingSinceNanos = System.nanoTime();
                LOG.log(Level.WARNING, String.format(
                        "store writes are failing (%s); %d changes are kept in memory and retried every %d ms "
                        + "until the store's circuit breaker opens", lastFailure, pending(),
                        config.flushInterval().toMillis()));
            }
            return false;
        }
    }

    /** The state of the breaker around the flush: OPEN while no flush is tried, HALF_OPEN while one is. */
    public CircuitBreakerState breakerState() {
        return breakerState;
    }

    /** Why the last failed flush failed (its root cause); empty until one failed. */
    public String lastFailure() {
        return lastFailure;
    }

    private void breakerChanged(CircuitBreakerState state) {
        breakerState = state;
        switch (state) {
            // Said while the failed flush still holds its changes: how many wait is readiness's to say.
            case OPEN -> LOG.log(Level.WARNING, String.format(
                    "store circuit breaker OPEN: flushes to PostgreSQL failed (%s); none is tried for %d ms "
                    + "(vnet.store.breaker.delay), changes wait in memory, readiness is DOWN", lastFailure,
                    config.breaker().delay().toMillis()));
            case HALF_OPEN -> LOG.log(Level.INFO, "store circuit breaker HALF_OPEN: trying one flush");
            case CLOSED -> LOG.log(Level.INFO, "store circuit breaker CLOSED: flushes to PostgreSQL succeed again");
        }
    }

    /** One fenced transaction: answers the leader epoch it found; writes only when it is ours. */
    private Uni<Long> write(SqlConnection connection, List<StoredAgent> agentBatch, List<StoredHealth> healthBatch,
            List<Map.Entry<String, Optional<StoredContainer>>> containerBatch, List<MigrationInfo> migrationBatch) {
        OffsetDateTime now = StoreCodec.time(System.currentTimeMillis());
        return connection.query(FENCE).execute().onItem().transformToUni(rows -> {
            long current = rows.iterator().next().getLong(0);
            if (current != epoch) {
                return Uni.createFrom().item(current);
            }
            List<Tuple> agentRows = new ArrayList<>();
            for (StoredAgent a : agentBatch) {
                agentRows.add(Tuple.tuple(List.of(a.agentId(), a.instanceId(), a.endpoint(), a.cluster(),
                        a.labels().toArray(String[]::new), a.kinds().toArray(String[]::new),
                        StoreCodec.json(a.capacity()), StoreCodec.time(a.firstSeenMs()), StoreCodec.time(a.lastSeenMs()),
                        epoch)));
            }
            List<Tuple> healthRows = new ArrayList<>();
            for (StoredHealth h : healthBatch) {
                healthRows.add(Tuple.tuple(List.of(h.agentId(), StoreCodec.status(h.status()),
                        StoreCodec.time(h.lastHeartbeatMs()), StoreCodec.json(h.capacity()), StoreCodec.json(h.load()),
                        now, epoch)));
            }
            List<Tuple> upserts = new ArrayList<>();
            List<Tuple> deletes = new ArrayList<>();
            for (Map.Entry<String, Optional<StoredContainer>> e : containerBatch) {
                if (e.getValue().isEmpty()) {
                    deletes.add(Tuple.of(e.getKey()));
                } else {
                    upserts.add(containerRow(e.getValue().get(), now));
                }
            }
            List<Tuple> historyRows = new ArrayList<>();
            for (MigrationInfo m : migrationBatch) {
                historyRows.add(Tuple.tuple(java.util.Arrays.asList(m.getContainerUuid(), nullIfEmpty(m.getFromAgent()),
                        nullIfEmpty(m.getToAgent()), m.getTrigger(), StoreCodec.migration(m.getStatus()),
                        StoreCodec.time(m.getStartedAtMs()),
                        m.getFinishedAtMs() == 0 ? null : StoreCodec.time(m.getFinishedAtMs()),
                        m.getFinishedAtMs() == 0 ? null : m.getDurationMs(), nullIfEmpty(m.getError()), epoch)));
            }
            return batch(connection, UPSERT_AGENT, agentRows)
                    .chain(() -> batch(connection, UPSERT_HEALTH, healthRows))
                    .chain(() -> batch(connection, UPSERT_CONTAINER, upserts))
                    .chain(() -> batch(connection, DELETE_CONTAINER, deletes))
                    .chain(() -> batch(connection, INSERT_MIGRATION, historyRows))
                    .replaceWith(current);
        });
    }

    private Tuple containerRow(StoredContainer c, OffsetDateTime now) {
        Tuple row = Tuple.tuple();
        row.addValue(c.uuid()).addValue(c.kind()).addValue(StoreCodec.type(c.type()))
                .addValue(c.labels().toArray(String[]::new))
                .addValue(Buffer.buffer(c.spec().getData().toByteArray()))
                .addValue(c.spec().getContentType())
                .addValue(StoreCodec.json(c.resources()))
                .addValue(c.agentId().isEmpty() ? null : c.agentId())
                .addValue(c.epoch())
                .addValue(StoreCodec.migration(c.migrationStatus()))
                .addValue(c.preferredCluster())
                .addValue(c.lastMigrationAtMs() == 0 ? null : StoreCodec.time(c.lastMigrationAtMs()))
                .addValue(StoreCodec.time(c.createdAtMs()))
                .addValue(now)
                .addValue(epoch);
        return row;
    }

    private static String nullIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static Uni<Void> batch(SqlConnection connection, String sql, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }

    /**
     * Takes up to {@code limit} of what is pending now, the keys in {@code first} before the others; the rest, and a
     * change made meanwhile, stay for the next flush.
     */
    private static <V> List<Map.Entry<String, V>> take(Map<String, V> pending, int limit, Set<String> first) {
        List<Map.Entry<String, V>> batch = new ArrayList<>(Math.min(limit, pending.size()));
        for (String key : first) {
            if (batch.size() < limit) {
                takeOne(pending, key, batch);
            }
        }
        for (Iterator<String> keys = pending.keySet().iterator(); keys.hasNext() && batch.size() < limit; ) {
            takeOne(pending, keys.next(), batch);
        }
        return batch;
    }

    private static <V> void takeOne(Map<String, V> pending, String key, List<Map.Entry<String, V>> batch) {
        V value = pending.get(key);
        if (value != null && pending.remove(key, value)) {
            batch.add(Map.entry(key, value));
        }
    }

    static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Stops flushing after a last attempt to write what is pending: flush after flush while they succeed, for at most
     * the store timeout, so that a backlog cannot hold a shutdown for ever.
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (epoch != 0) {
            long deadline = System.nanoTime() + config.timeout().toNanos();
            try {
                while (flush() && System.nanoTime() < deadline) {
                    // the next part of the backlog
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the last store flush failed unexpectedly", e);
            }
        }
    }
}
