package dev.vnet.network.store;

import dev.vnet.network.registry.StoredAgent;
import dev.vnet.network.registry.StoredContainer;
import dev.vnet.network.registry.StoredState;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import com.google.protobuf.ByteString;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the store with Hibernate Reactive and Panache: what a coordinator starts from, and what operators ask
 * for. Every method blocks its caller until the answer (bounded by the store timeout), so callers are start-up
 * and admin threads, never the transport or registry threads.
 */
@ApplicationScoped
public class StoreReader {

    private final Duration timeout;

    public StoreReader(StoreConfig config) {
        this.timeout = config.timeout();
    }

    /** Everything a coordinator leading with {@code leaderEpoch} needs to rebuild its registry. */
    public StoredState load(long leaderEpoch) {
        List<AgentEntity> agents = read(() -> AgentEntity.<AgentEntity>listAll());
        List<ContainerEntity> containers = read(() -> ContainerEntity.<ContainerEntity>listAll());
        List<NodeHealthEntity> health = read(() -> NodeHealthEntity.<NodeHealthEntity>listAll());
        return new StoredState(leaderEpoch, agents.stream().map(StoreReader::agent).toList(),
                containers.stream().map(StoreReader::container).toList(), health.stream()
                        .filter(row -> StoreCodec.status(row.status) == NodeStatus.NODE_STATUS_UNHEALTHY)
                        .map(row -> row.agentId).collect(Collectors.toSet()));
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
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(query)
                    .ifNoItem().after(timeout).fail());
        } catch (Throwable e) {
            throw new StoreUnavailableException(e);
        }
    }

    private static StoredAgent agent(AgentEntity row) {
        return new StoredAgent(row.id, row.instanceId, row.endpoint, row.cluster, list(row.labels), list(row.kinds),
                StoreCodec.capacity(row.capacity), StoreCodec.millis(row.firstSeen), StoreCodec.millis(row.lastSeen));
    }

    private static StoredContainer container(ContainerEntity row) {
        Payload spec = Payload.newBuilder().setData(ByteString.copyFrom(row.spec == null ? new byte[0] : row.spec))
                .setContentType(row.specContentType == null ? "" : row.specContentType).build();
        return new StoredContainer(row.uuid, row.kind, StoreCodec.type(row.type), list(row.labels), spec,
                StoreCodec.resources(row.resources), row.agentId == null ? "" : row.agentId, row.epoch,
                StoreCodec.migration(row.migrationStatus), row.preferredCluster == null ? "" : row.preferredCluster,
                StoreCodec.millis(row.lastMigrationAt), StoreCodec.millis(row.createdAt));
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

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
