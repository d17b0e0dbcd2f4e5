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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

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
    /** Where this container is counted while the registry indexes it; null before and after. */
    ContainerCounts counts;
    /** Bumped on every change of idleness, so that a stale entry in the idle queue is recognised. */
    long idleToken;
    /** The move under way, or null. */
    Migration migration;

    // Most containers have no offer and nothing pending, and an idle one no session: these collections are made
    // when their first element comes and dropped when their last goes (empty ones made up front cost about 240 bytes
    // per container, over a quarter of its record). Use them through the methods below.
    /** Sessions holding a reference; null while none does. Counted: change it with {@link #addSession}. */
    private Set<String> sessions;
    private List<PendingGet> pendingGets;
    private List<PendingRoute> pendingRoutes;
    /** Connections asked of the agent and not confirmed yet, by client id. */
    private Map<String, CompletableFuture<ContainerInfo>> pendingConnects;
    /** For stateless containers: the agents offering it, in the order their offers were accepted. */
    private Set<String> offers;

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
                .setReferences(sessionCount())
                .setMigrationStatus(migrationStatus)
                .setAgentId(agentId)
                .setPreferredCluster(preferredCluster)
                .setCreatedAtMs(createdAtMs)
                .setStandbys(standbys());
        if (agent != null) {
            info.setEndpoint(agent.endpoint);
        }
        return info.build();
    }

    /** Everything about this container an operator may look at (the console's detail view). */
    ContainerDetail toDetail() {
        return ContainerDetail.newBuilder().setContainer(toInfo()).setSpec(spec).setResources(resources)
                .addAllSessions(sessions().stream().limit(100).toList()).setLastMigrationAtMs(lastMigrationAtMs)
                .build();
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

    /** The sessions holding a reference: a read-only view. */
    Set<String> sessions() {
        return sessions == null ? Set.of() : Collections.unmodifiableSet(sessions);
    }

    int sessionCount() {
        return sessions == null ? 0 : sessions.size();
    }

    /** Whether no session holds a reference. */
    boolean unreferenced() {
        return sessions == null;
    }

    /** Adds a reference of {@code sessionId}; false if it held one already. */
    boolean addSession(String sessionId) {
        if (sessions == null) {
            sessions = new LinkedHashSet<>(2);
        }
        boolean added = sessions.add(sessionId);
        if (added && counts != null) {
            counts.referenceAdded();
        }
        return added;
    }

    /** Drops the reference of {@code sessionId}; false if it held none. */
    boolean removeSession(String sessionId) {
        boolean removed = sessions != null && sessions.remove(sessionId);
        if (removed && sessions.isEmpty()) {
            sessions = null;
        }
        if (removed && counts != null) {
            counts.referenceRemoved();
        }
        return removed;
    }

    /** The agents offering this (stateless) container, in the order their offers were accepted: a read-only view. */
    Set<String> offers() {
        return offers == null ? Set.of() : Collections.unmodifiableSet(offers);
    }

    /** Agents offering this container other than the one that runs it. */
    private int standbys() {
        return offers == null ? 0 : offers.size() - (offers.contains(agentId) ? 1 : 0);
    }

    /** Adds the offer of {@code offeringAgentId}, last; an agent that offered it already keeps its place. */
    void addOffer(String offeringAgentId) {
        if (offers == null) {
            offers = new LinkedHashSet<>(2);
        }
        offers.add(offeringAgentId);
    }

    void removeOffer(String offeringAgentId) {
        if (offers != null && offers.remove(offeringAgentId) && offers.isEmpty()) {
            offers = null;
        }
    }

    /** A get waits for the container to run. */
    void addPendingGet(PendingGet pending) {
        if (pendingGets == null) {
            pendingGets = new ArrayList<>(2);
        }
        pendingGets.add(pending);
    }

    /** The gets that waited, which no longer do: the caller answers them. */
    List<PendingGet> takePendingGets() {
        List<PendingGet> taken = pendingGets == null ? List.of() : pendingGets;
        pendingGets = null;
        return taken;
    }

    /** A request waits for the container to run. */
    void addPendingRoute(PendingRoute pending) {
        if (pendingRoutes == null) {
            pendingRoutes = new ArrayList<>(2);
        }
        pendingRoutes.add(pending);
    }

    boolean hasPendingRoutes() {
        return pendingRoutes != null;
    }

    /** The requests that waited and match {@code which}, which no longer wait: the caller answers them. */
    List<PendingRoute> takePendingRoutes(Predicate<PendingRoute> which) {
        if (pendingRoutes == null) {
            return List.of();
        }
        List<PendingRoute> taken = new ArrayList<>();
        for (Iterator<PendingRoute> it = pendingRoutes.iterator(); it.hasNext(); ) {
            PendingRoute pending = it.next();
            if (which.test(pending)) {
                taken.add(pending);
                it.remove();
            }
        }
        if (pendingRoutes.isEmpty()) {
            pendingRoutes = null;
        }
        return taken;
    }

    /** A connection of {@code clientId} is asked of the agent. */
    void addPendingConnect(String clientId, CompletableFuture<ContainerInfo> result) {
        if (pendingConnects == null) {
            pendingConnects = new HashMap<>(4);
        }
        pendingConnects.put(clientId, result);
    }

    /** The connection of {@code clientId} asked of the agent, which no longer waits; null if none did. */
    CompletableFuture<ContainerInfo> removePendingConnect(String clientId) {
        if (pendingConnects == null) {
            return null;
        }
        CompletableFuture<ContainerInfo> removed = pendingConnects.remove(clientId);
        if (pendingConnects.isEmpty()) {
            pendingConnects = null;
        }
        return removed;
    }

    /** Every connection asked of the agent, which no longer wait: the caller answers them. */
    Collection<CompletableFuture<ContainerInfo>> takePendingConnects() {
        Collection<CompletableFuture<ContainerInfo>> taken = pendingConnects == null ? List.of()
                : pendingConnects.values();
        pendingConnects = null;
        return taken;
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
