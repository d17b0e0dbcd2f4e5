package dev.vnet.network.registry;

import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.ContainerDetail;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.MigrationStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A container, as the registry tracks it. Mutable; owned by the registry thread. */
public final class ContainerRecord {

    /** A get waiting for the container to run. */
    record PendingGet(CompletableFuture<GetResponse> result, boolean created) {}

    /** A request waiting for the container to run, until its deadline. */
    record PendingRoute(CompletableFuture<Route> result, long deadlineMs) {}

    final String uuid;
    final String kind;
    final ContainerType type;
    final List<String> labels;
    final Payload spec;
    final Resources resources;
    final String preferredCluster;
    final long createdAtMs;

    /** The agent of the current activation, while it is registered; null while recovering. */
    AgentRecord agent;
    /** The id of that agent: also known while recovering, from the store. Counted: change it with {@link #placeOn}. */
    String agentId = "";
    long epoch;
    MigrationStatus migrationStatus = MigrationStatus.MIGRATION_STATUS_IDLE;
    long lastMigrationAtMs;
    /** Counted: change it with {@link #moveTo}. */
    ContainerState state;
    Route route;
    long startDeadlineMs;
    /** Sessions holding a reference. Counted: change it with {@link #addSession} and {@link #removeSession}. */
    final Set<String> sessions = new LinkedHashSet<>();
    /** Where this container is counted while the registry indexes it; null before and after. */
    ContainerCounts counts;
    /** Bumped on every change of idleness, so that a stale entry in the idle queue is recognised. */
    long idleToken;
    final List<PendingGet> pendingGets = new ArrayList<>();
    final List<PendingRoute> pendingRoutes = new ArrayList<>();
    /** Connections asked of the agent and not confirmed yet, by client id. */
    final Map<String, CompletableFuture<ContainerInfo>> pendingConnects = new HashMap<>();
    /** For stateless containers: the agents offering it, in the order their offers were accepted. */
    final Set<String> offers = new LinkedHashSet<>();
    /** The move under way, or null. */
    Migration migration;

    ContainerRecord(String uuid, String kind, ContainerType type, List<String> labels, Payload spec,
            Resources resources, String preferredCluster, long createdAtMs) {
        this.uuid = uuid;
        this.kind = kind;
        this.type = type;
        this.labels = List.copyOf(labels);
        this.spec = spec;
        this.resources = resources;
        this.preferredCluster = preferredCluster;
        this.createdAtMs = createdAtMs;
    }

    public String uuid() {
        return uuid;
    }

    public String kind() {
        return kind;
    }

    public ContainerState state() {
        return state;
    }

    /** Whether this container has every label in {@code wanted}. */
    boolean hasLabels(List<String> wanted) {
        return labels.containsAll(wanted);
    }

    ContainerInfo toInfo() {
        ContainerInfo.Builder info = ContainerInfo.newBuilder()
                .setUuid(uuid)
                .setKind(kind)
                .setType(type)
                .addAllLabels(labels)
                .setEpoch(epoch)
                .setState(state)
                .setReferences(sessions.size())
                .setMigrationStatus(migrationStatus)
                .setAgentId(agentId)
                .setPreferredCluster(preferredCluster)
                .setCreatedAtMs(createdAtMs)
                .setStandbys(Math.max(0, offers.size() - (offers.contains(agentId) ? 1 : 0)));
        if (agent != null) {
            info.setEndpoint(agent.endpoint);
        }
        return info.build();
    }

    /** Everything about this container an operator may look at (the console's detail view). */
    ContainerDetail toDetail() {
        return ContainerDetail.newBuilder().setContainer(toInfo()).setSpec(spec).setResources(resources)
                .addAllSessions(sessions.stream().limit(100).toList()).setLastMigrationAtMs(lastMigrationAtMs).build();
    }

    /** This container as the store keeps it. */
    StoredContainer toStored() {
        return new StoredContainer(uuid, kind, type, labels, spec, resources, agentId, epoch, migrationStatus,
                preferredCluster, lastMigrationAtMs, createdAtMs);
    }

    /** Binds the container to the agent that runs its current activation. */
    void placeOn(AgentRecord placed, long activationEpoch) {
        uncount();
        agent = placed;
        agentId = placed.agentId;
        epoch = activationEpoch;
        recount();
        placed.place(this);
    }

    /** Names the agent the store says ran it, before that agent is back (a restored container). */
    void restoredOn(String storedAgentId) {
        uncount();
        agentId = storedAgentId == null ? "" : storedAgentId;
        recount();
    }

    void moveTo(ContainerState next) {
        uncount();
        state = next;
        recount();
    }

    /** Adds a reference of {@code sessionId}; false if it held one already. */
    boolean addSession(String sessionId) {
        boolean added = sessions.add(sessionId);
        if (added && counts != null) {
            counts.referenceAdded();
        }
        return added;
    }

    /** Drops the reference of {@code sessionId}; false if it held none. */
    boolean removeSession(String sessionId) {
        boolean removed = sessions.remove(sessionId);
        if (removed && counts != null) {
            counts.referenceRemoved();
        }
        return removed;
    }

    private void uncount() {
        if (counts != null) {
            counts.remove(this);
        }
    }

    private void recount() {
        if (counts != null) {
            counts.add(this);
        }
    }
}
