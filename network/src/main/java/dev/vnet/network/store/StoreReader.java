package dev.vnet.network.store;

import dev.vnet.network.registry.StoredState;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the store: what a coordinator starts from (plain SQL, {@link RestoreRead}), and what operators ask for
 * (Hibernate Reactive with Panache). Every method blocks its caller until the answer (bounded by the store
 * timeout), so callers are start-up and admin threads, never the transport or registry threads.
 */
@ApplicationScoped
public class StoreReader {

    /**
     * Enough rows for the JIT to compile what decodes and maps them (cold, the first read of 100 000 containers took
     * four times the CPU of the next ones); a tenth of a 100 000-container store, read once at start-up.
     */
    private static final long WARM_UP_ROWS = 10_000;

    private final Duration timeout;
    private final Duration restoreTimeout;
    private final Pool pool;

    public StoreReader(StoreConfig config, Pool pool) {
        this.timeout = config.timeout();
        this.restoreTimeout = config.restoreTimeout();
        this.pool = pool;
    }

    /**
     * Everything a coordinator leading with {@code leaderEpoch} needs to rebuild its registry: read in plain SQL
     * ({@link RestoreRead}), within the restore timeout.
     */
    public StoredState load(long leaderEpoch) {
        return await(() -> RestoreRead.read(pool, leaderEpoch, null), restoreTimeout);
    }

    /**
     * Runs the restore's read on at most {@value #WARM_UP_ROWS} rows of each table and throws what it read away, so
     * that a standby has loaded and compiled what decodes and maps the rows before a takeover needs them. Within the store timeout.
     */
    public void warmUpRestore() {
        await(() -> RestoreRead.read(pool, 0, WARM_UP_ROWS), timeout);
    }

    /** Node health joined with what is known of each agent, healthy first, then by agent id. */
    public List<NodeInfo> nodes(NodeStatus only) {
        Map<String, AgentEntity> agents = read(() -> AgentEntity.<AgentEntity>listAll()).stream()
                .collect(Collectors.toMap(a -> a.id, Function.identity()));
        return read(() -> NodeHealthEntity.<NodeHealthEntity>listAll()).stream()
                .map(health -> node(health, agents.get(health.agentId)))
                .filter(node -> only == NodeStatus.NODE_STATUS_UNSPECIFIED || node.getStatus() == only)
                .sorted(Comparator.comparing(NodeInfo::getStatus).thenComparing(NodeInfo::getAgentId))
                .toList();
    }

    /** The moves of one container, newest first. */
    public List<MigrationInfo> history(String uuid, int limit) {
        List<MigrationEntity> rows = read(() -> MigrationEntity.<MigrationEntity>find(
                "containerUuid = ?1 order by startedAt desc, id desc", uuid).page(0, limit).list());
        return rows.stream().map(row -> MigrationInfo.newBuilder()
                .setId(row.id)
                .setContainerUuid(row.containerUuid)
                .setFromAgent(row.fromAgent == null ? "" : row.fromAgent)
                .setToAgent(row.toAgent == null ? "" : row.toAgent)
                .setTrigger(row.trigger)
                .setStatus(StoreCodec.migration(row.status))
                .setStartedAtMs(StoreCodec.millis(row.startedAt))
                .setFinishedAtMs(StoreCodec.millis(row.finishedAt))
                .setDurationMs(row.durationMs == null ? 0 : row.durationMs)
                .setError(row.error == null ? "" : row.error)
                .build()).toList();
    }

    /** The leader row: who leads, with which epoch. */
    public LeaderInfo leader() {
        LeaderEntity leader = read(() -> LeaderEntity.<LeaderEntity>findById((short) 1));
        return LeaderInfo.newBuilder().setEpoch(leader.epoch).setHolder(leader.holder).setEndpoint(leader.endpoint)
                .setSinceMs(StoreCodec.millis(leader.since))
                .setConsoleUrl(leader.consoleUrl == null ? "" : leader.consoleUrl).build();
    }

    /** The network's session ticket key: the same for every replica, created with the schema. */
    public byte[] sessionTicketKey() {
        NetworkKeysEntity keys = read(() -> NetworkKeysEntity.<NetworkKeysEntity>findById((short) 1));
        return keys.sessionTicketKey;
    }

    /** Runs a Panache query in a session; written as a lambda (not a method reference) so Panache can enhance it. */
    private <T> T read(Supplier<Uni<T>> query) {
        return await(() -> Panache.withSession(query), timeout);
    }

    private static <T> T await(Supplier<Uni<T>> query, Duration bound) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> query.get().ifNoItem().after(bound).fail());
        } catch (Throwable e) {
            throw new StoreUnavailableException(e);
        }
    }

    private static NodeInfo node(NodeHealthEntity health, AgentEntity agent) {
        NodeInfo.Builder node = NodeInfo.newBuilder()
                .setAgentId(health.agentId)
                .setStatus(StoreCodec.status(health.status))
                .setLastHeartbeatMs(StoreCodec.millis(health.lastHeartbeat))
                .setCapacity(StoreCodec.capacity(health.capacity))
                .setLoad(StoreCodec.load(health.load))
                .setUpdatedAtMs(StoreCodec.millis(health.updatedAt));
        if (agent != null) {
            node.setEndpoint(agent.endpoint).setCluster(agent.cluster).setFirstSeenMs(StoreCodec.millis(agent.firstSeen));
        } else {
            node.setCapacity(Capacity.getDefaultInstance());
        }
        return node.build();
    }
}
