package dev.vnet.network.registry;

import dev.vnet.network.placement.Placement;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.ContainerDetail;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.KindInfo;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.StatelessOffer;
import dev.vnet.proto.v1.TerminateContainer;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's state machine: agents, containers, references, pending creations and sessions.
 *
 * <p>Every method runs on one thread (see {@link RegistryLoop}), so there are no locks and no races: concurrent
 * gets of one uuid are simply applied one after the other, and the second finds what the first created. Time
 * comes from the injected clock and advances only through {@link #tick}, so tests drive it by hand. Effects go
 * out through interfaces: commands to agents ({@link AgentLink}), events ({@link EventSink}), session
 * notifications ({@link SessionLink}) and the routes the hot path reads ({@link RouteTable}). Nothing here
 * blocks or does I/O.
 */
public final class Registry {

    private static final System.Logger LOG = System.getLogger(Registry.class.getName());
    private static final Payload NO_SPEC = Payload.getDefaultInstance();

    private record IdleEntry(long expiresAtMs, ContainerRecord container, long token) {}

    /** A get that would create a container, held until the recovery window has passed. */
    private record HeldGet(String sessionId, GetRequest request, CompletableFuture<GetResponse> result) {}

    private final RegistrySettings settings;
    private final InstantSource clock;
    private final EventSink events;
    private final RouteTable routes;
    private final StoreSink store;
    private final Placement placement = new Placement();
    private final Migrations migrations;
    private ActivationEpochs epochs;

    private final Map<String, AgentRecord> agents = new LinkedHashMap<>();
    private final Map<String, ContainerRecord> containers = new HashMap<>();
    private final ContainerCounts counts = new ContainerCounts();
    private final Map<String, Set<ContainerRecord>> containersByKind = new HashMap<>();
    private final Map<String, SessionRecord> sessions = new HashMap<>();
    private final SessionOwners sessionOwners;
    private final Set<ContainerRecord> starting = new LinkedHashSet<>();
    /** Containers that calls wait for (starting, moving, recovering): their waits expire at their deadlines. */
    private final Set<ContainerRecord> awaitingRoutes = new LinkedHashSet<>();
    /** Containers known from the store whose agent has not re-registered them yet. */
    private final Set<ContainerRecord> recovering = new LinkedHashSet<>();
    /** Agents known from the store that have not come back yet, with when they are given up. */
    private final Map<String, StoredAgent> awaitedAgents = new HashMap<>();
    private final UnknownRouteWaits unknownRouteWaits = new UnknownRouteWaits();
    private final BlipGraces blipGraces = new BlipGraces();
    private long awaitedUntilMs;
    /** Whether the containers restored from the store are still waiting for the end of the recovery window. */
    private boolean restoredContainersPending;
    private final PriorityQueue<IdleEntry> idle =
            new PriorityQueue<>(Comparator.comparingLong(IdleEntry::expiresAtMs));
    /** Every kind an agent has declared since this coordinator started: tells a typo from a missing agent. */
    private final Set<String> knownKinds = new TreeSet<>();
    /**
     * Until then, gets that would create a container wait: a coordinator that just started does not know what its
     * agents run until they re-register, and creating a container by uuid before its agent is back would start a
     * second copy (and fence the first, with its state).
     */
    private long recoveryEndsMs;
    /** When the registry last ticked; -1 before its first tick. */
    private long lastTickMs = -1;
    private final List<HeldGet> heldGets = new ArrayList<>();
    private long leaderEpoch = 1;
    /** Who leads (this coordinator, once elected), for watchers' snapshots. */
    private LeaderInfo leader;

    public Registry(RegistrySettings settings, InstantSource clock, EventSink events, RouteTable routes,
            StoreSink store) {
        this(settings, clock, events, routes, store, new SessionOwners());
    }

    /** @param sessionOwners shared with the gRPC shell, across registries: a new one starts with no session */
    public Registry(RegistrySettings settings, InstantSource clock, EventSink events, RouteTable routes,
            StoreSink store, SessionOwners sessionOwners) {
        this.sessionOwners = sessionOwners;
        sessionOwners.clear();
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.routes = routes;
        this.store = store;
        this.epochs = new ActivationEpochs(leaderEpoch);
        this.recoveryEndsMs = clock.millis() + settings.recoveryWindowMs();
        this.migrations = new Migrations(this, placement, settings.maxConcurrentMigrations());
    }

    /**
     * Starts from what the store held: this coordinator's leader epoch, the agents it knew alive (awaited for the
     * recovery window; those that do not come back are marked unhealthy; those that had left already are not
     * awaited) and the containers (RECOVERING until their agent re-registers them; lost with it otherwise). Called
     * once, before any client or agent is served.
     */
    public void restore(StoredState state) {
        long now = clock.millis();
        leaderEpoch = state.leaderEpoch();
        epochs = new ActivationEpochs(leaderEpoch);
        recoveryEndsMs = now + settings.recoveryWindowMs();
        awaitedUntilMs = recoveryEndsMs;
        for (StoredAgent agent : state.agents()) {
            if (!state.goneAgentIds().contains(agent.agentId())) {
                awaitedAgents.put(agent.agentId(), agent);
            }
            knownKinds.addAll(agent.kinds());
        }
        restoredContainersPending = !state.containers().isEmpty();
        for (StoredContainer stored : state.containers()) {
            ContainerRecord container = new ContainerRecord(stored.uuid(), stored.kind(), stored.type(),
                    stored.labels(), stored.spec(), stored.resources(), stored.preferredCluster(), stored.createdAtMs());
            container.moveTo(ContainerState.CONTAINER_STATE_RECOVERING);
            container.restoredOn(stored.agentId());
            container.epoch = stored.epoch();
            container.migrationStatus = stored.migrationStatus();
            container.lastMigrationAtMs = stored.lastMigrationAtMs();
            epochs.observe(stored.epoch());
            knownKinds.add(stored.kind());
            index(container);
            recovering.add(container);
        }
        LOG.log(Level.INFO, () -> "registry restored with leader epoch " + leaderEpoch + ": " + awaitedAgents.size()
                + " agents awaited (of " + state.agents().size() + " known) and " + state.containers().size()
                + " containers recovering for " + settings.recoveryWindowMs() + " ms");
    }

    public long leaderEpoch() {
        return leaderEpoch;
    }

    /** This coordinator leads, as {@code info} says: watchers are told, and new watchers find it in snapshots. */
    public void leaderChanged(LeaderInfo info) {
        leader = info;
        events.publish(event(EventKind.EVENT_KIND_LEADER_CHANGED, "elected with epoch " + info.getEpoch())
                .setLeader(info).build());
    }

    /**
     * This coordinator took the lock again (its session had broken) without having stopped serving: it goes on
     * with what it knows, under its new leader epoch. Activations from now on outrank the earlier ones.
     */
    public void newTerm(long epoch) {
        leaderEpoch = epoch;
        epochs = new ActivationEpochs(epoch);
    }

    public RegistrySettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------------------------------------ agents

    /**
     * Registers an agent on a new link, or re-attaches the same agent instance on a new stream. Adopts the
     * containers it reports that the network does not know, keeps those it knows there, and tells it (in the
     * acknowledgement, before anything else) to terminate copies that run elsewhere now.
     *
     * @throws RegistryException ALREADY_EXISTS when another live instance holds the agent id
     */
    public void registerAgent(AgentLink link, AgentRegister registration) {
        long now = clock.millis();
        AgentRecord agent = agents.get(registration.getAgentId());
        boolean reattached = agent != null;
        if (agent != null) {
            if (!agent.instanceId.equals(registration.getInstanceId())) {
                addStandby(agent, link, registration);
                return;
            }
            InstanceSecrets.requireProof(agent.instanceSecret, registration, "agent " + agent.agentId + " instance "
                    + agent.instanceId);
            AgentLink previous = agent.link;
            agent.update(link, registration, now);
            previous.close("replaced by a new stream of the same agent instance");
        } else {
            int max = settings.limits().maxAgents();
            if (max > 0 && agents.size() >= max) {
                throw new RegistryException(Failure.RESOURCE_EXHAUSTED, "the network has " + agents.size()
                        + " agents, the limit (vnet.network.limits.max-agents): agent " + registration.getAgentId()
                        + " is refused");
            }
            agent = new AgentRecord(link, registration, now);
            agents.put(agent.agentId, agent);
        }
        knownKinds.addAll(agent.kinds);
        awaitedAgents.remove(agent.agentId);
        store.agent(agent.toStored(now));
        store.health(agent.health());
        RegisterAck.Builder ack = ack(agent.state, agent.instanceSecret);
        List<Runnable> afterAck = reconcile(agent, registration.getContainersList(), ack);
        link.registered(ack.build());
        afterAck.forEach(Runnable::run);
        acceptOffers(agent, registration.getStatelessList());
        if (awaitedAgents.isEmpty()) {
            unknownRouteWaits.notFound();
        }
        publish(reattached ? EventKind.EVENT_KIND_AGENT_UPDATED : EventKind.EVENT_KIND_AGENT_ADDED, agent.toInfo(),
                reattached ? "agent reconnected" : "agent registered");
        LOG.log(Level.INFO, () -> "agent " + registration.getAgentId() + (registration.getCluster().isEmpty() ? ""
                : " (cluster " + registration.getCluster() + ")") + " registered from " + registration.getEndpoint()
                + " with kinds " + registration.getKindsList() + " and " + registration.getContainersCount()
                + " running containers");
    }

    private RegisterAck.Builder ack(AgentState state, String instanceSecret) {
        return RegisterAck.newBuilder()
                .setState(state)
                .setInstanceSecret(instanceSecret)
                .setLeaderEpoch(leaderEpoch)
                .setHeartbeatIntervalMs(settings.heartbeatIntervalMs())
                .setAliveTimeoutMs(settings.aliveTimeoutMs());
    }

    /**
     * Another live process registered with an agent id that is held: it waits as a standby, with no work, and
     * takes over the moment the holder dies. The holder is never displaced while it lives, so two live instances
     * never flap.
     */
    private void addStandby(AgentRecord agent, AgentLink link, AgentRegister registration) {
        for (Standby same : List.copyOf(agent.standbys)) {
            if (same.registration.getInstanceId().equals(registration.getInstanceId())) {
                InstanceSecrets.requireProof(same.instanceSecret, registration, "agent " + agent.agentId
                        + " standby instance " + registration.getInstanceId());
                agent.standbys.remove(same);
                same.link.close("replaced by a new stream of the same standby instance");
            }
        }
        Standby standby = new Standby(link, registration, clock.millis());
        agent.standbys.add(standby);
        link.registered(ack(AgentState.AGENT_STATE_STANDBY, standby.instanceSecret).build());
        publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "standby instance "
                + registration.getInstanceId() + " joined");
        LOG.log(Level.INFO, () -> "agent " + agent.agentId + ": instance " + registration.getInstanceId()
                + " stands by for instance " + agent.instanceId);
    }

    /**
     * An active agent's stateless offers: a uuid nobody offered yet is activated here; otherwise this agent is
     * one more standby for it.
     */
    private void acceptOffers(AgentRecord agent, List<StatelessOffer> offers) {
        for (StatelessOffer offer : offers) {
            ContainerRecord container = containers.get(offer.getUuid());
            if (container == null) {
                container = new ContainerRecord(offer.getUuid(), offer.getKind(), ContainerType.CONTAINER_TYPE_STATELESS,
                        offer.getLabelsList(), NO_SPEC, Resources.getDefaultInstance(), "", clock.millis());
                container.offers.add(agent.agentId);
                agent.offered.add(offer.getUuid());
                knownKinds.add(offer.getKind());
                container.moveTo(ContainerState.CONTAINER_STATE_STARTING);
                container.placeOn(agent, epochs.next());
                container.startDeadlineMs = clock.millis() + settings.startTimeoutMs();
                index(container);
                starting.add(container);
                agent.link.start(startCommand(container, container.epoch));
            } else if (container.type != ContainerType.CONTAINER_TYPE_STATELESS
                    || !container.kind.equals(offer.getKind())) {
                String existing = container.kind + " (" + container.type + ")";
                LOG.log(Level.WARNING, () -> "agent " + agent.agentId + " offers stateless " + offer.getKind() + " "
                        + offer.getUuid() + ", but that uuid is a " + existing + ": offer ignored");
            } else {
                container.offers.add(agent.agentId);
                agent.offered.add(offer.getUuid());
                migrations.offered(container);
            }
        }
    }

    /**
     * Squares what an agent says it runs with what the registry knows.
     *
     * @return commands that must reach the agent after its acknowledgement
     */
    private List<Runnable> reconcile(AgentRecord agent, List<RunningContainer> reported, RegisterAck.Builder ack) {
        List<Runnable> afterAck = new ArrayList<>();
        Set<String> reportedUuids = new HashSet<>();
        for (RunningContainer running : reported) {
            reportedUuids.add(running.getUuid());
            epochs.observe(running.getEpoch());
            ContainerRecord known = containers.get(running.getUuid());
            if (known == null) {
                adopt(agent, running);
            } else if (known.state == ContainerState.CONTAINER_STATE_RECOVERING && running.getEpoch() >= known.epoch) {
                // The store may lag behind (it is written after the fact): the copy an agent reports with an
                // epoch at least as new as the stored one is the current activation.
                recovering.remove(known);
                known.placeOn(agent, running.getEpoch());
                markRunning(known, "recovered: agent " + agent.agentId + " still runs it",
                        EventKind.EVENT_KIND_CONTAINER_UPDATED);
            } else if (known.state == ContainerState.CONTAINER_STATE_MOVING
                    && migrations.callOff(known, agent, running.getEpoch())) {
                known.placeOn(agent, running.getEpoch());
                markRunning(known, "agent " + agent.agentId + " came back with it before its move finished: it "
                        + "stays there, with its state", EventKind.EVENT_KIND_CONTAINER_UPDATED);
            } else if (known.agent == agent && known.epoch == running.getEpoch()) {
                if (known.state == ContainerState.CONTAINER_STATE_STARTING) {
                    markRunning(known);
                } else {
                    publishRoute(known);
                }
            } else {
                ack.addTerminate(TerminateContainer.newBuilder().setUuid(running.getUuid())
                        .setEpoch(running.getEpoch()).setLeaderEpoch(leaderEpoch)
                        .setReason("container " + running.getUuid() + " runs elsewhere now (activation "
                                + known.epoch + (known.agent == null ? "" : " on agent " + known.agent.agentId) + ")"));
            }
        }
        for (ContainerRecord known : List.copyOf(recovering)) {
            if (known.agentId.equals(agent.agentId) && !reportedUuids.contains(known.uuid)) {
                lost(known, "agent " + agent.agentId + " came back without it");
            }
        }
        for (ContainerRecord known : List.copyOf(agent.containers.values())) {
            if (reportedUuids.contains(known.uuid)) {
                continue;
            }
            if (known.state == ContainerState.CONTAINER_STATE_STARTING) {
                // The start command went out on the old stream and may be lost: ask again on the new one.
                afterAck.add(() -> agent.link.start(startCommand(known, known.epoch)));
            } else if (known.type == ContainerType.CONTAINER_TYPE_STATELESS) {
                lost(known, "agent " + agent.agentId + " reconnected without it");
            } else {
                remove(known, "agent " + agent.agentId + " reconnected without it");
            }
        }
        return afterAck;
    }

    private void adopt(AgentRecord agent, RunningContainer running) {
        ContainerType type = running.getType() == ContainerType.CONTAINER_TYPE_UNSPECIFIED
                ? ContainerType.CONTAINER_TYPE_STANDARD : running.getType();
        ContainerRecord container = new ContainerRecord(running.getUuid(), running.getKind(), type,
                running.getLabelsList(), NO_SPEC, Resources.getDefaultInstance(), "", clock.millis());
        container.moveTo(ContainerState.CONTAINER_STATE_STARTING);
        container.placeOn(agent, running.getEpoch());
        index(container);
        markRunning(container, "adopted from agent " + agent.agentId, EventKind.EVENT_KIND_CONTAINER_ADDED);
    }

    /** A heartbeat: the agent is alive, with this load. */
    public void heartbeat(AgentLink link, Load load) {
        AgentRecord agent = current(link);
        if (agent != null) {
            agent.lastHeartbeatMs = clock.millis();
            agent.load = load;
            store.health(agent.health());
            return;
        }
        Standby standby = standbyOf(link);
        if (standby != null) {
            standby.lastHeartbeatMs = clock.millis();
        }
    }

    /** The agent's stream ended: the agent is dead now. A link already replaced by a newer one is ignored. */
    public void agentDisconnected(AgentLink link, String reason) {
        AgentRecord agent = current(link);
        if (agent != null) {
            agentGone(agent, reason, true);
            return;
        }
        Standby standby = standbyOf(link);
        if (standby != null) {
            dropStandby(agents.get(link.agentId()), standby, reason);
        }
    }

    private Standby standbyOf(AgentLink link) {
        AgentRecord agent = agents.get(link.agentId());
        if (agent == null) {
            return null;
        }
        for (Standby standby : agent.standbys) {
            if (standby.link == link) {
                return standby;
            }
        }
        return null;
    }

    private void dropStandby(AgentRecord agent, Standby standby, String reason) {
        agent.standbys.remove(standby);
        standby.link.close(reason);
        publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "standby instance "
                + standby.registration.getInstanceId() + " left: " + reason);
    }

    /**
     * The process that held an agent id is gone. A standby instance takes over at once (its offers count, and the
     * dead instance's stateless and ha containers move to it first); without one the agent is removed. Either way
     * the containers the dead process ran are lost: standard ones removed, stateless and ha ones moved. When only
     * its stream dropped (a blip) and no standby took over, its standard containers are kept for the blip grace.
     */
    private void agentGone(AgentRecord agent, String reason, boolean streamDropped) {
        boolean blip = streamDropped && agent.standbys.isEmpty() && settings.blipGraceMs() > 0;
        List<ContainerRecord> ran = List.copyOf(agent.containers.values());
        for (String uuid : List.copyOf(agent.offered)) {
            ContainerRecord offered = containers.get(uuid);
            if (offered != null) {
                offered.offers.remove(agent.agentId);
            }
        }
        agent.offered.clear();
        agent.link.close(reason);
        migrations.agentGone(agent);
        if (agent.standbys.isEmpty()) {
            agents.remove(agent.agentId);
            store.health(agent.health(NodeStatus.NODE_STATUS_UNHEALTHY));
            store.agent(agent.toStored(clock.millis()));
            publish(EventKind.EVENT_KIND_AGENT_REMOVED, agent.toInfo(), reason);
            LOG.log(Level.WARNING, () -> "agent " + agent.agentId + " " + reason + ": removed");
        } else {
            promote(agent, reason);
        }
        for (ContainerRecord container : ran) {
            if (container.agent != agent) {
                continue; // only reserved here, for a move: the move itself picks another target
            }
            if (blip && container.type == ContainerType.CONTAINER_TYPE_STANDARD
                    && container.state == ContainerState.CONTAINER_STATE_RUNNING) {
                keepThroughBlip(container, agent, reason);
            } else if (container.state == ContainerState.CONTAINER_STATE_STARTING
                    && container.type != ContainerType.CONTAINER_TYPE_STATELESS) {
                remove(container, "agent " + agent.agentId + " " + reason);
            } else {
                // A stateless copy that was still starting fails over like a running one: the next offer is activated.
                lost(container, "agent " + agent.agentId + " " + reason);
            }
        }
    }

    /**
     * A standard container whose agent's stream dropped waits RECOVERING, with its references, for the agent to
     * re-register it within the blip grace (calls wait for it meanwhile); {@link #tick} removes it after that.
     */
    private void keepThroughBlip(ContainerRecord container, AgentRecord agent, String reason) {
        blipGraces.start(agent.agentId, clock.millis() + settings.blipGraceMs());
        detach(container, reason + "; kept for " + settings.blipGraceMs() + " ms (vnet.network.blip-grace) for it to "
                + "come back", ContainerState.CONTAINER_STATE_RECOVERING);
        recovering.add(container);
    }

    /** The blip grace of these agents ended: the standard containers that did not come back with them are removed. */
    private void endBlipGraces(long now) {
        for (String agentId : blipGraces.ended(now)) {
            if (agents.containsKey(agentId)) {
                continue; // it came back: its registration settled what it runs
            }
            for (ContainerRecord container : List.copyOf(recovering)) {
                if (container.agentId.equals(agentId)) {
                    lost(container, "its agent " + agentId + " did not come back within the blip grace of "
                            + settings.blipGraceMs() + " ms");
                }
            }
        }
    }

    /** The first standby instance becomes the agent: same id, its own process, told at once that it is active. */
    private void promote(AgentRecord agent, String reason) {
        Standby next = agent.standbys.remove(0);
        String deadInstance = agent.instanceId;
        long now = clock.millis();
        agent.update(next.link, next.registration, now);
        agent.instanceSecret = next.instanceSecret;
        agent.lastHeartbeatMs = Math.max(now, next.lastHeartbeatMs);
        store.agent(agent.toStored(now));
        store.health(agent.health());
        next.link.registered(ack(agent.state, agent.instanceSecret).build());
        acceptOffers(agent, next.registration.getStatelessList());
        publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "instance " + deadInstance + " " + reason
                + "; standby instance " + agent.instanceId + " took over");
        LOG.log(Level.WARNING, () -> "agent " + agent.agentId + ": instance " + deadInstance + " " + reason
                + "; standby instance " + agent.instanceId + " took over");
    }

    /** The agent's answer to a start command. */
    public void containerStarted(AgentLink link, ContainerStarted started) {
        AgentRecord agent = current(link);
        if (agent == null || migrations.started(agent, started)) {
            return;
        }
        ContainerRecord container = containers.get(started.getUuid());
        boolean wanted = container != null && container.agent == agent && container.epoch == started.getEpoch()
                && container.state == ContainerState.CONTAINER_STATE_STARTING;
        if (!wanted) {
            if (!started.hasError()) {
                link.terminate(TerminateContainer.newBuilder().setUuid(started.getUuid()).setEpoch(started.getEpoch())
                        .setLeaderEpoch(leaderEpoch).setReason("the network no longer wants this activation").build());
            }
            return;
        }
        if (started.hasError()) {
            Error error = started.getError();
            failStart(container, new RegistryException(Failure.ofGrpcCode(error.getCode()),
                    "agent " + agent.agentId + " could not start it: " + error.getMessage()));
        } else {
            markRunning(container);
        }
    }

    /** A container ended on its agent by itself. */
    public void containerStopped(AgentLink link, ContainerStopped stopped) {
        AgentRecord agent = current(link);
        ContainerRecord container = containers.get(stopped.getUuid());
        if (agent != null && container != null && container.agent == agent && container.epoch == stopped.getEpoch()) {
            lost(container, "stopped on agent " + agent.agentId + ": " + stopped.getReason());
        }
    }

    /** The agent's answer to a client connection request. */
    public void clientConnected(AgentLink link, ClientConnected connected) {
        AgentRecord agent = current(link);
        ContainerRecord container = containers.get(connected.getUuid());
        if (agent == null || container == null || container.agent != agent) {
            return;
        }
        CompletableFuture<ContainerInfo> pending = container.pendingConnects.remove(connected.getClientId());
        if (pending == null) {
            return;
        }
        if (connected.hasError()) {
            if (container.route != null) {
                container.route.subscribers().remove(connected.getClientId());
            }
            pending.completeExceptionally(new RegistryException(Failure.ofGrpcCode(connected.getError().getCode()),
                    connected.getError().getMessage()));
        } else {
            pending.complete(container.toInfo());
        }
    }

    private AgentRecord current(AgentLink link) {
        AgentRecord agent = agents.get(link.agentId());
        return agent != null && agent.link == link ? agent : null;
    }

    // ---------------------------------------------------------------------------------------------- sessions

    /**
     * Opens a session.
     *
     * @param link the session's stream, or null for a unary session kept by its lease
     * @param timeoutMs how long the session lives without a sign of life
     */
    public SessionRecord openSession(String clientName, SessionLink link, long timeoutMs) {
        return openSession(clientName, "", link, timeoutMs);
    }

    /** Opens a session that only {@code owner} (a principal's name) may use: see {@link #sessionOwners()}. */
    public SessionRecord openSession(String clientName, String owner, SessionLink link, long timeoutMs) {
        SessionRecord session = new SessionRecord(UUID.randomUUID().toString(), clientName, link, timeoutMs,
                clock.millis());
        sessions.put(session.id, session);
        sessionOwners.opened(session.id, owner);
        return session;
    }

    /** Who opened each open session; safe to read from any thread. */
    public SessionOwners sessionOwners() {
        return sessionOwners;
    }

    /** The stream of an open session, or null (a unary session, or none). */
    public SessionLink sessionLink(String sessionId) {
        SessionRecord session = sessions.get(sessionId);
        return session == null ? null : session.link;
    }

    /** A sign of life from a session; returns when it now expires, or -1 when it has already ended. */
    public long touchSession(String sessionId) {
        SessionRecord session = sessions.get(sessionId);
        if (session == null) {
            return -1;
        }
        session.lastSeenMs = clock.millis();
        return session.expiresAtMs();
    }

    /**
     * Ends a session and releases its references.
     *
     * @return the references released, or -1 when there was no such session
     */
    public int closeSession(String sessionId, String reason) {
        SessionRecord session = sessions.remove(sessionId);
        if (session == null) {
            return -1;
        }
        sessionOwners.ended(sessionId);
        for (String uuid : session.containers) {
            ContainerRecord container = containers.get(uuid);
            if (container != null && container.removeSession(sessionId) && container.sessions.isEmpty()) {
                markIdle(container);
            }
        }
        LOG.log(Level.DEBUG, () -> "session " + sessionId + " (" + session.clientName + ") ended: " + reason
                + "; released " + session.containers.size());
        return session.containers.size();
    }

    private SessionRecord requireSession(String sessionId) {
        SessionRecord session = sessions.get(sessionId);
        if (session == null) {
            throw noSuchSession(sessionId);
        }
        return session;
    }

    /** The refusal for a session that does not exist, or that the caller did not open: the two look alike. */
    public static RegistryException noSuchSession(String sessionId) {
        return new RegistryException(Failure.NOT_FOUND, "session " + sessionId
                + " does not exist or has ended (sessions end after their lease or alive timeout without a "
                + "sign of life, and when the leader changes); open a new one and get its containers again");
    }

    // -------------------------------------------------------------------------------------------- containers

    /**
     * Get-or-create (see {@code GetRequest} in the contract). Completes once the container runs.
     *
     * @param sessionId the session taking a reference, or empty for none
     */
    /** A session may take one more reference, or already holds {@code uuid}. */
    private void requireRoom(SessionRecord session, String uuid) {
        int max = settings.limits().maxContainersPerSession();
        if (session == null || max == 0 || session.containers.size() < max
                || (uuid != null && session.containers.contains(uuid))) {
            return;
        }
        throw new RegistryException(Failure.RESOURCE_EXHAUSTED, "session " + session.id + " holds " + max
                + " containers, the limit (vnet.network.limits.max-containers-per-session): release some first");
    }

    public CompletableFuture<GetResponse> get(String sessionId, GetRequest request) {
        SessionRecord session = sessionId.isEmpty() ? null : requireSession(sessionId);
        if (session != null) {
            session.lastSeenMs = clock.millis();
        }
        ContainerRecord container = find(request);
        if (container != null) {
            if (!container.kind.equals(request.getKind())) {
                throw new RegistryException(Failure.INVALID_ARGUMENT, "container " + container.uuid + " is of kind '"
                        + container.kind + "', not '" + request.getKind() + "'");
            }
            requireRoom(session, container.uuid);
            reference(container, session);
            return answer(container, false);
        }
        if (clock.millis() < recoveryEndsMs) {
            CompletableFuture<GetResponse> held = new CompletableFuture<>();
            heldGets.add(new HeldGet(sessionId, request, held));
            return held;
        }
        ContainerType type = request.getType() == ContainerType.CONTAINER_TYPE_UNSPECIFIED
                ? ContainerType.CONTAINER_TYPE_STANDARD : request.getType();
        if (type == ContainerType.CONTAINER_TYPE_STATELESS) {
            throw new RegistryException(Failure.INVALID_ARGUMENT, "stateless containers are offered by agents, "
                    + "not created by get: get an offered one by its uuid");
        }
        requireRoom(session, null);
        AgentRecord agent = placement.choose(agents.values(), request.getKind(), request.getResources());
        if (agent == null) {
            throw noAgentFor(request);
        }
        String uuid = request.getUuid().isEmpty() ? UUID.randomUUID().toString() : request.getUuid();
        container = new ContainerRecord(uuid, request.getKind(), type, request.getLabelsList(), request.getSpec(),
                request.getResources(), request.getPreferredCluster(), clock.millis());
        container.moveTo(ContainerState.CONTAINER_STATE_STARTING);
        container.placeOn(agent, epochs.next());
        container.startDeadlineMs = clock.millis() + settings.startTimeoutMs();
        index(container);
        starting.add(container);
        reference(container, session);
        agent.link.start(startCommand(container, container.epoch));
        return answer(container, true);
    }

    private ContainerRecord find(GetRequest request) {
        if (!request.getUuid().isEmpty()) {
            return containers.get(request.getUuid());
        }
        if (request.getLabelsCount() == 0) {
            return null;
        }
        for (ContainerRecord candidate : containersByKind.getOrDefault(request.getKind(), Set.of())) {
            if (candidate.hasLabels(request.getLabelsList())) {
                return candidate;
            }
        }
        return null;
    }

    private RegistryException noAgentFor(GetRequest request) {
        String kind = request.getKind();
        if (!knownKinds.contains(kind)) {
            return new RegistryException(Failure.NOT_FOUND, "unknown kind '" + kind + "': no agent has offered it"
                    + (knownKinds.isEmpty() ? " (no agent has registered yet)" : "; known kinds: " + knownKinds));
        }
        List<String> reasons = new ArrayList<>();
        for (AgentRecord agent : agents.values()) {
            if (!agent.supports(kind)) {
                continue;
            }
            if (agent.state != AgentState.AGENT_STATE_ACTIVE) {
                reasons.add(agent.agentId + " is " + agent.state.name().substring("AGENT_STATE_".length()).toLowerCase());
            } else {
                reasons.add(agent.agentId + " has no room (" + agent.containerCount() + " containers, capacity "
                        + agent.capacity.getMaxContainers() + " max, " + agent.capacity.getCpu() + " cpu)");
            }
        }
        return new RegistryException(Failure.UNAVAILABLE, "no agent can take a '" + kind + "' container now"
                + (reasons.isEmpty() ? ": none of the agents that offered it is connected" : ": " + reasons));
    }

    private CompletableFuture<GetResponse> answer(ContainerRecord container, boolean created) {
        if (container.state == ContainerState.CONTAINER_STATE_RUNNING) {
            return CompletableFuture.completedFuture(GetResponse.newBuilder().setContainer(container.toInfo())
                    .setCreated(created).build());
        }
        CompletableFuture<GetResponse> result = new CompletableFuture<>();
        container.pendingGets.add(new ContainerRecord.PendingGet(result, created));
        return result;
    }

    private void reference(ContainerRecord container, SessionRecord session) {
        if (session != null && container.addSession(session.id)) {
            container.idleToken++;
            session.containers.add(container.uuid);
        }
    }

    /**
     * Drops a session's reference.
     *
     * @return the references left, from all sessions, and, when none are left, when the container will stop
     */
    public ReleaseResponse release(String sessionId, String uuid) {
        SessionRecord session = requireSession(sessionId);
        session.lastSeenMs = clock.millis();
        session.containers.remove(uuid);
        ContainerRecord container = containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist (any more)");
        }
        long stopsAtMs = container.removeSession(sessionId) && container.sessions.isEmpty() ? markIdle(container) : 0;
        ReleaseResponse.Builder left = ReleaseResponse.newBuilder().setReferences(container.sessions.size());
        if (stopsAtMs > 0) {
            left.setIdleTimeoutMs(settings.idleTimeoutMs(container.kind)).setStopsAtMs(stopsAtMs);
        }
        return left.build();
    }

    /**
     * The route of a container that has none in the route table yet: completes when it runs, fails at
     * {@code deadlineMs} or when it is removed. NOT_FOUND at once for an unknown uuid.
     */
    public CompletableFuture<Route> awaitRoute(String uuid, long deadlineMs) {
        return awaitRoute(uuid, deadlineMs, null);
    }

    /**
     * Like {@link #awaitRoute(String, long)}, for a caller that found the route's agent gone: a route that still
     * leads to {@code gone} (this thread has not heard of its end yet) is not an answer; the next one is.
     */
    public CompletableFuture<Route> awaitRoute(String uuid, long deadlineMs, AgentLink gone) {
        ContainerRecord container = containers.get(uuid);
        if (container == null && !awaitedAgents.isEmpty()) {
            return unknownRouteWaits.await(uuid, deadlineMs);
        }
        if (container == null) {
            return CompletableFuture.failedFuture(new RegistryException(Failure.NOT_FOUND,
                    "container " + uuid + " does not exist; get it first"));
        }
        if (container.state == ContainerState.CONTAINER_STATE_RUNNING && container.route.agent() != gone) {
            return CompletableFuture.completedFuture(container.route);
        }
        CompletableFuture<Route> result = new CompletableFuture<>();
        container.pendingRoutes.add(new ContainerRecord.PendingRoute(result, deadlineMs));
        awaitingRoutes.add(container);
        return result;
    }

    /**
     * Connects a client to a running container's broadcasts: registers {@code sink} on the current activation and
     * asks the agent to hand the container a broadcaster. Completes when the agent confirms.
     */
    public CompletableFuture<ContainerInfo> connect(String uuid, String clientId, ConnectionSink sink) {
        ContainerRecord container = containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist; get it first");
        }
        if (container.state != ContainerState.CONTAINER_STATE_RUNNING) {
            throw new RegistryException(Failure.UNAVAILABLE, "container " + uuid + " is not running now ("
                    + container.state + "); try again");
        }
        if (container.route.subscribers().putIfAbsent(clientId, sink) != null) {
            throw new RegistryException(Failure.ALREADY_EXISTS, "client " + clientId + " is already connected to "
                    + uuid + "; close that connection first");
        }
        CompletableFuture<ContainerInfo> result = new CompletableFuture<>();
        container.pendingConnects.put(clientId, result);
        container.agent.link.connectClient(ClientConnect.newBuilder().setUuid(uuid).setClientId(clientId)
                .setEpoch(container.epoch).build());
        return result;
    }

    /** Disconnects a client, if {@code sink} is still its connection. */
    public void disconnect(String uuid, String clientId, ConnectionSink sink) {
        ContainerRecord container = containers.get(uuid);
        if (container == null || container.route == null || !container.route.subscribers().remove(clientId, sink)) {
            return;
        }
        CompletableFuture<ContainerInfo> pending = container.pendingConnects.remove(clientId);
        if (pending != null) {
            pending.completeExceptionally(new RegistryException(Failure.UNAVAILABLE, "disconnected before ready"));
        }
        container.agent.link.disconnectClient(ClientDisconnect.newBuilder().setUuid(uuid).setClientId(clientId)
                .build());
    }

    /** The command that starts (or, for a stateless copy, activates) activation {@code epoch} of a container. */
    StartContainer startCommand(ContainerRecord container, long epoch) {
        return StartContainer.newBuilder()
                .setUuid(container.uuid)
                .setKind(container.kind)
                .setType(container.type)
                .addAllLabels(container.labels)
                .setSpec(container.spec)
                .setEpoch(epoch)
                .setLeaderEpoch(leaderEpoch)
                .build();
    }

    private void markRunning(ContainerRecord container) {
        markRunning(container, "started on agent " + container.agent.agentId, EventKind.EVENT_KIND_CONTAINER_ADDED);
    }

    private void markRunning(ContainerRecord container, String reason, EventKind announcement) {
        starting.remove(container);
        container.moveTo(ContainerState.CONTAINER_STATE_RUNNING);
        publishRoute(container);
        ContainerInfo info = container.toInfo();
        List<ContainerRecord.PendingGet> gets = List.copyOf(container.pendingGets);
        container.pendingGets.clear();
        Runnable answerGets = () -> gets.forEach(pending -> pending.result().complete(
                GetResponse.newBuilder().setContainer(info).setCreated(pending.created()).build()));
        for (ContainerRecord.PendingRoute pending : container.pendingRoutes) {
            pending.result().complete(container.route);
        }
        container.pendingRoutes.clear();
        if (container.sessions.isEmpty()) {
            markIdle(container);
        }
        if (container.type == ContainerType.CONTAINER_TYPE_HA && !gets.isEmpty()) {
            // Whoever asked for an ha container hears of it only once its spec is safely stored.
            store.containerDurably(container.toStored()).thenRun(answerGets);
        } else {
            store.container(container.toStored());
            answerGets.run();
        }
        publish(announcement, info, reason);
    }

    /**
     * A container whose copy is gone for good (its agent died, did not come back after a restart, or the copy
     * stopped): a standard container is removed, a stateless one fails over to a standby copy, an ha one is
     * re-created elsewhere.
     */
    private void lost(ContainerRecord container, String reason) {
        if (container.type == ContainerType.CONTAINER_TYPE_STANDARD) {
            remove(container, reason);
            return;
        }
        if (container.migration == null) {
            detach(container, reason);
            migrations.start(container, Migration.Trigger.AUTOMATIC, false, null);
        } else {
            // It was being moved with its old copy still serving; that copy is gone now, so the move must not give
            // up for want of a target (it would leave the container with no copy at all).
            container.migration.fromStillRuns = false;
            detach(container, reason);
        }
    }

    /** The container's copy no longer serves: unrouted, MOVING until a move activates it elsewhere. */
    private void detach(ContainerRecord container, String reason) {
        detach(container, reason, ContainerState.CONTAINER_STATE_MOVING);
    }

    /** The container's copy no longer serves: unrouted, in {@code state} until it is activated again. */
    private void detach(ContainerRecord container, String reason, ContainerState state) {
        if (container.agent != null) {
            container.agent.unplace(container);
            container.agent = null;
        }
        recovering.remove(container);
        starting.remove(container);
        container.moveTo(state);
        if (container.route != null) {
            routes.remove(container.route);
            closeSubscribers(container.route, "the container is moving (" + reason + "); connect again");
            container.route = null;
        }
        Event event = event(EventKind.EVENT_KIND_CONTAINER_UPDATED, reason).setContainer(container.toInfo()).build();
        notifyHolders(container, event);
        events.publish(event);
    }

    private void notifyHolders(ContainerRecord container, Event event) {
        for (String sessionId : container.sessions) {
            SessionRecord session = sessions.get(sessionId);
            if (session != null && session.link != null) {
                session.link.notify(event);
            }
        }
    }

    /** (Re)publishes the route of a running container on its agent's current link. */
    private void publishRoute(ContainerRecord container) {
        Route previous = container.route;
        Route route = new Route(container.uuid, container.agent.link, container.epoch, container.agent.endpoint);
        container.route = route;
        routes.put(route);
        if (previous != null) {
            closeSubscribers(previous, "the container's agent reconnected; connect again");
        }
    }

    private void failStart(ContainerRecord container, RegistryException failure) {
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS && container.offers.size() > 1) {
            // That copy could not be activated: the next offer is, and this agent's offer goes last.
            container.offers.remove(container.agentId);
            container.offers.add(container.agentId);
            lost(container, failure.getMessage());
            return;
        }
        for (ContainerRecord.PendingGet pending : container.pendingGets) {
            pending.result().completeExceptionally(failure);
        }
        container.pendingGets.clear();
        remove(container, failure.getMessage());
    }

    /** Starts a container's idle timeout; returns when it will stop, or 0 when it does not stop when idle. */
    private long markIdle(ContainerRecord container) {
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            return 0;
        }
        container.idleToken++;
        long stopsAtMs = clock.millis() + settings.idleTimeoutMs(container.kind);
        idle.add(new IdleEntry(stopsAtMs, container, container.idleToken));
        return stopsAtMs;
    }

    /** Forgets a container: unroutes it, fails whoever waits for it, tells its holders and the watchers. */
    private void remove(ContainerRecord container, String reason) {
        if (containers.get(container.uuid) != container) {
            return;
        }
        containers.remove(container.uuid);
        counts.remove(container);
        container.counts = null;
        Set<ContainerRecord> ofKind = containersByKind.get(container.kind);
        ofKind.remove(container);
        if (ofKind.isEmpty()) {
            containersByKind.remove(container.kind);
        }
        starting.remove(container);
        recovering.remove(container);
        if (container.agent != null) {
            container.agent.unplace(container);
        }
        container.idleToken++;
        store.containerRemoved(container.uuid);
        migrations.forget(container, "the container was removed: " + reason);
        for (String offering : container.offers) {
            AgentRecord agent = agents.get(offering);
            if (agent != null) {
                agent.offered.remove(container.uuid);
            }
        }
        boolean wasAnnounced = container.state != ContainerState.CONTAINER_STATE_STARTING;
        RegistryException gone = new RegistryException(Failure.UNAVAILABLE, "container " + container.uuid
                + " is gone: " + reason);
        if (container.route != null) {
            routes.remove(container.route);
            closeSubscribers(container.route, reason);
        }
        container.pendingGets.forEach(pending -> pending.result().completeExceptionally(gone));
        container.pendingRoutes.forEach(pending -> pending.result().completeExceptionally(gone));
        container.pendingConnects.values().forEach(pending -> pending.completeExceptionally(gone));
        Event event = event(EventKind.EVENT_KIND_CONTAINER_REMOVED, reason).setContainer(container.toInfo()).build();
        if (wasAnnounced) {
            notifyHolders(container, event);
            events.publish(event);
        }
        for (String sessionId : container.sessions) {
            SessionRecord session = sessions.get(sessionId);
            if (session != null) {
                session.containers.remove(container.uuid);
            }
        }
        LOG.log(Level.DEBUG, () -> "container " + container.uuid + " removed: " + reason);
    }

    private static void closeSubscribers(Route route, String reason) {
        for (Iterator<ConnectionSink> it = route.subscribers().values().iterator(); it.hasNext(); ) {
            ConnectionSink sink = it.next();
            it.remove();
            sink.closed(reason);
        }
    }

    private void index(ContainerRecord container) {
        containers.put(container.uuid, container);
        counts.add(container);
        container.counts = counts;
        containersByKind.computeIfAbsent(container.kind, k -> new LinkedHashSet<>()).add(container);
        List<ContainerRecord.PendingRoute> waiting = unknownRouteWaits.claim(container.uuid);
        if (!waiting.isEmpty()) {
            container.pendingRoutes.addAll(waiting);
            awaitingRoutes.add(container);
        }
    }

    // ------------------------------------------------------------------------------------------------- time

    /**
     * Time in which this registry itself did not run (a long GC pause, a frozen process, a command that held its
     * thread) is nobody's silence: the heartbeats and pings that arrived meanwhile still wait in the queue behind
     * this tick, which was due earlier. So whatever of the gap between two ticks passes one heartbeat interval is
     * credited to every agent and session before anyone is judged silent.
     */
    private void forgiveOwnStall(long now) {
        long stall = lastTickMs < 0 ? 0 : now - lastTickMs - settings.heartbeatIntervalMs();
        lastTickMs = now;
        if (stall <= 0) {
            return;
        }
        for (AgentRecord agent : agents.values()) {
            agent.lastHeartbeatMs = Math.min(now, agent.lastHeartbeatMs + stall);
            for (Standby standby : agent.standbys) {
                standby.lastHeartbeatMs = Math.min(now, standby.lastHeartbeatMs + stall);
            }
        }
        for (SessionRecord session : sessions.values()) {
            session.lastSeenMs = Math.min(now, session.lastSeenMs + stall);
        }
        LOG.log(Level.WARNING, () -> "the registry did not run for " + (stall + settings.heartbeatIntervalMs())
                + " ms (this process paused, or one command held its thread): agents and sessions are "
                + "not blamed for that silence");
    }

    /** Applies the passing of time: silent agents and sessions, slow starts, idle containers, expired waits. */
    public void tick() {
        long now = clock.millis();
        forgiveOwnStall(now);
        if (now >= recoveryEndsMs && !heldGets.isEmpty()) {
            releaseHeldGets();
        }
        for (AgentRecord agent : List.copyOf(agents.values())) {
            long silentMs = now - Math.max(agent.lastHeartbeatMs, agent.link.lastFrameAtMs());
            if (silentMs > settings.aliveTimeoutMs()) {
                agentGone(agent, "sent no heartbeat, nor anything else, for " + silentMs + " ms", false);
            }
        }
        List<SessionRecord> expired = new ArrayList<>();
        for (SessionRecord session : sessions.values()) {
            if (now > session.expiresAtMs()) {
                expired.add(session);
            }
        }
        for (SessionRecord session : expired) {
            String reason = "no sign of life for " + (now - session.lastSeenMs) + " ms";
            closeSession(session.id, reason);
            if (session.link != null) {
                session.link.close("session ended: " + reason);
            }
        }
        for (AgentRecord agent : List.copyOf(agents.values())) {
            for (Standby standby : List.copyOf(agent.standbys)) {
                long silentMs = now - Math.max(standby.lastHeartbeatMs, standby.link.lastFrameAtMs());
                if (silentMs > settings.aliveTimeoutMs()) {
                    dropStandby(agent, standby, "sent no heartbeat, nor anything else, for " + silentMs + " ms");
                }
            }
            if (agent.state == AgentState.AGENT_STATE_DRAINING && now >= agent.drainDeadlineMs) {
                stopWhatIsLeft(agent);
            }
        }
        migrations.tick(now);
        endBlipGraces(now);
        if ((!awaitedAgents.isEmpty() || restoredContainersPending) && now >= awaitedUntilMs) {
            giveUpAwaitedAgents();
        }
        unknownRouteWaits.expire(now);
        for (Iterator<ContainerRecord> it = awaitingRoutes.iterator(); it.hasNext(); ) {
            ContainerRecord container = it.next();
            expireRouteWaits(container, now);
            if (container.pendingRoutes.isEmpty()) {
                it.remove();
            }
        }
        for (ContainerRecord container : List.copyOf(starting)) {
            if (now > container.startDeadlineMs) {
                container.agent.link.terminate(TerminateContainer.newBuilder().setUuid(container.uuid)
                        .setEpoch(container.epoch).setLeaderEpoch(leaderEpoch).setReason("start took too long").build());
                failStart(container, new RegistryException(Failure.DEADLINE_EXCEEDED, "agent "
                        + container.agent.agentId + " did not start container " + container.uuid + " within "
                        + settings.startTimeoutMs() + " ms"));
            }
        }
        while (!idle.isEmpty() && idle.peek().expiresAtMs() <= now) {
            IdleEntry entry = idle.poll();
            ContainerRecord container = entry.container();
            if (entry.token() == container.idleToken && container.sessions.isEmpty()
                    && containers.get(container.uuid) == container && container.migration == null
                    && container.state == ContainerState.CONTAINER_STATE_RUNNING) {
                String reason = "idle for " + settings.idleTimeoutMs(container.kind) + " ms without references";
                container.agent.link.terminate(TerminateContainer.newBuilder().setUuid(container.uuid)
                        .setEpoch(container.epoch).setLeaderEpoch(leaderEpoch).setReason(reason).build());
                remove(container, reason);
            }
        }
    }

    /** Agents the store knew that did not come back within the recovery window: unhealthy, their containers lost. */
    private void giveUpAwaitedAgents() {
        restoredContainersPending = false;
        for (StoredAgent gone : List.copyOf(awaitedAgents.values())) {
            awaitedAgents.remove(gone.agentId());
            store.health(new StoredHealth(gone.agentId(), NodeStatus.NODE_STATUS_UNHEALTHY, gone.lastSeenMs(),
                    gone.capacity(), Load.getDefaultInstance()));
            LOG.log(Level.WARNING, () -> "agent " + gone.agentId() + " did not come back within "
                    + settings.recoveryWindowMs() + " ms of the coordinator's start: marked unhealthy");
        }
        for (ContainerRecord container : List.copyOf(recovering)) {
            if (agents.get(container.agentId) == null && !blipGraces.running(container.agentId)) {
                lost(container, "its agent " + container.agentId + " did not come back after the coordinator "
                        + "restarted");
            }
        }
        unknownRouteWaits.notFound();
    }

    /** The recovery window has passed: the held gets find what agents re-registered, or create. */
    private void releaseHeldGets() {
        List<HeldGet> held = List.copyOf(heldGets);
        heldGets.clear();
        for (HeldGet get : held) {
            try {
                get(get.sessionId(), get.request()).whenComplete((response, failure) -> {
                    if (failure != null) {
                        get.result().completeExceptionally(failure);
                    } else {
                        get.result().complete(response);
                    }
                });
            } catch (RegistryException refused) {
                get.result().completeExceptionally(refused);
            }
        }
    }

    private static void expireRouteWaits(ContainerRecord container, long now) {
        for (Iterator<ContainerRecord.PendingRoute> it = container.pendingRoutes.iterator(); it.hasNext(); ) {
            ContainerRecord.PendingRoute pending = it.next();
            if (now >= pending.deadlineMs()) {
                it.remove();
                pending.result().completeExceptionally(new RegistryException(Failure.DEADLINE_EXCEEDED,
                        "container " + container.uuid + " was not running before the call's deadline"));
            }
        }
    }

    // ------------------------------------------------------------------------------------ operators' commands

    /**
     * Drains an agent: no new containers; its stateless and ha containers move away at once (make before break);
     * its standard containers stop when released, or at the deadline.
     *
     * @param deadlineMs how long standard containers may keep running; 0 for the configured drain timeout
     */
    public AgentInfo drain(String agentId, long deadlineMs) {
        AgentRecord agent = agents.get(agentId);
        if (agent == null) {
            throw new RegistryException(Failure.NOT_FOUND, "no agent '" + agentId + "' is registered");
        }
        agent.drainDeadlineMs = clock.millis() + (deadlineMs > 0 ? deadlineMs : settings.drainTimeoutMs());
        if (agent.state != AgentState.AGENT_STATE_DRAINING) {
            agent.state = AgentState.AGENT_STATE_DRAINING;
            store.health(agent.health());
            agent.link.registered(ack(AgentState.AGENT_STATE_DRAINING, agent.instanceSecret).build());
            for (ContainerRecord container : List.copyOf(agent.containers.values())) {
                if (container.agent == agent && container.type != ContainerType.CONTAINER_TYPE_STANDARD
                        && container.state == ContainerState.CONTAINER_STATE_RUNNING && container.migration == null) {
                    migrations.start(container, Migration.Trigger.DRAIN, true, null);
                }
            }
            publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "draining");
            LOG.log(Level.INFO, () -> "agent " + agentId + " is draining: " + agent.containerCount()
                    + " containers to move or stop");
        }
        return agent.toInfo();
    }

    /** An agent asked to be drained itself (it is shutting down). */
    public void drainRequested(AgentLink link, long deadlineMs) {
        AgentRecord agent = current(link);
        if (agent != null) {
            drain(agent.agentId, deadlineMs);
        }
    }

    /** The drain deadline passed: what still runs on the agent is stopped (and ha containers moved). */
    private void stopWhatIsLeft(AgentRecord agent) {
        for (ContainerRecord container : List.copyOf(agent.containers.values())) {
            if (container.agent != agent || container.migration != null) {
                continue;
            }
            String reason = "agent " + agent.agentId + " was drained";
            agent.link.terminate(TerminateContainer.newBuilder().setUuid(container.uuid).setEpoch(container.epoch)
                    .setLeaderEpoch(leaderEpoch).setReason(reason).build());
            lost(container, reason);
        }
    }

    /**
     * Moves an ha container to another agent (make before break) and completes when the move is over.
     *
     * @param targetAgentId the agent to move to; empty to let the network choose
     */
    public CompletableFuture<MigrationInfo> migrate(String uuid, String targetAgentId) {
        ContainerRecord container = containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        if (container.type != ContainerType.CONTAINER_TYPE_HA) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is " + container.type
                    + ": only ha containers are moved by hand (a stateless one follows its offers: drain its agent)");
        }
        if (container.migration != null) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is migrating already "
                    + "(since " + (clock.millis() - container.migration.startedAtMs) + " ms, from "
                    + container.migration.fromAgentId + "); wait for that move to finish");
        }
        if (container.state != ContainerState.CONTAINER_STATE_RUNNING) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is not running ("
                    + container.state + "); it can be moved once it runs");
        }
        if (!targetAgentId.isEmpty()) {
            AgentRecord target = agents.get(targetAgentId);
            String refusal = target == null ? "no agent '" + targetAgentId + "' is registered"
                    : target == container.agent ? "the container already runs there"
                    : target.state != AgentState.AGENT_STATE_ACTIVE ? "it is " + target.state
                    : !target.supports(container.kind) ? "it does not offer kind '" + container.kind + "'"
                    : !target.hasRoomFor(container.resources) ? "it has no room for it" : null;
            if (refusal != null) {
                throw new RegistryException(Failure.FAILED_PRECONDITION, "cannot move " + uuid + " to "
                        + targetAgentId + ": " + refusal);
            }
        }
        Migration migration = migrations.start(container, Migration.Trigger.MANUAL, true,
                targetAgentId.isEmpty() ? null : agents.get(targetAgentId));
        return migrations.outcome(migration);
    }

    /** Stops and forgets a container, whoever holds it. */
    public void delete(String uuid) {
        ContainerRecord container = containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        if (container.migration != null) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is migrating (from "
                    + container.migration.fromAgentId + "); delete it once the move is over");
        }
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is stateless: it lives "
                    + "as long as agents offer it; stop offering it on " + container.offers);
        }
        if (container.agent != null) {
            container.agent.link.terminate(TerminateContainer.newBuilder().setUuid(uuid).setEpoch(container.epoch)
                    .setLeaderEpoch(leaderEpoch).setReason("deleted by an operator").build());
        }
        remove(container, "deleted by an operator");
    }

    // ------------------------------------------------------------------------- what Migrations works with

    long now() {
        return clock.millis();
    }

    long nextEpoch() {
        return epochs.next();
    }

    Collection<AgentRecord> agentRecords() {
        return agents.values();
    }

    AgentRecord agentRecord(String agentId) {
        return agents.get(agentId);
    }

    /** A move activated {@code container} on {@code target}: it runs and is routed there now. */
    void activated(ContainerRecord container, AgentRecord target, long epoch, String reason) {
        container.placeOn(target, epoch);
        markRunning(container, reason, EventKind.EVENT_KIND_CONTAINER_UPDATED);
    }

    void removeContainer(ContainerRecord container, String reason) {
        remove(container, reason);
    }

    void storeContainer(ContainerRecord container) {
        store.container(container.toStored());
    }

    void recordMigration(MigrationInfo migration) {
        store.migration(migration);
    }

    void announceMigration(EventKind kind, MigrationInfo migration, String reason) {
        events.publish(event(kind, reason).setMigration(migration).build());
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** Counts for metrics. */
    public RegistryStats stats() {
        return RegistryStats.of(agents.values(), counts, sessions.size(), clock.millis());
    }

    public List<AgentInfo> agents() {
        return agents.values().stream().map(AgentRecord::toInfo).sorted(Comparator.comparing(AgentInfo::getAgentId))
                .toList();
    }

    /** The container {@code uuid} as listings show it, or null when there is none. */
    public ContainerInfo containerInfo(String uuid) {
        ContainerRecord container = containers.get(uuid);
        return container == null ? null : container.toInfo();
    }

    /** One container in full, as it is now; NOT_FOUND when the registry does not hold it. */
    public ContainerDetail container(String uuid) {
        ContainerRecord container = containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        return container.toDetail();
    }

    /** Containers matching every non-empty filter. */
    public List<ContainerInfo> containers(String kind, List<String> labels, String agentId) {
        List<ContainerInfo> result = new ArrayList<>();
        Iterable<ContainerRecord> candidates = kind.isEmpty() ? containers.values()
                : containersByKind.getOrDefault(kind, Set.of());
        for (ContainerRecord container : candidates) {
            if (container.hasLabels(labels)
                    && (agentId.isEmpty() || container.agentId.equals(agentId))) {
                result.add(container.toInfo());
            }
        }
        result.sort(Comparator.comparing(ContainerInfo::getKind).thenComparing(ContainerInfo::getUuid));
        return result;
    }

    /** The kinds that active agents offer, with who offers them and how many containers of each run. */
    public List<KindInfo> kinds() {
        Map<String, KindInfo.Builder> kinds = new TreeMap<>();
        for (AgentRecord agent : agents.values()) {
            if (agent.state == AgentState.AGENT_STATE_ACTIVE) {
                for (String kind : agent.kinds) {
                    kinds.computeIfAbsent(kind, k -> KindInfo.newBuilder().setKind(k)).addAgents(agent.agentId);
                }
            }
        }
        kinds.forEach((kind, info) -> info.setContainers(containersByKind.getOrDefault(kind, Set.of()).size()));
        return kinds.values().stream().map(KindInfo.Builder::build).toList();
    }

    /** The current state as ADDED events: what a new watcher gets before live events. */
    public List<Event> snapshot() {
        List<Event> snapshot = new ArrayList<>();
        if (leader != null) {
            snapshot.add(event(EventKind.EVENT_KIND_LEADER_CHANGED, "snapshot").setLeader(leader).build());
        }
        for (AgentInfo agent : agents()) {
            snapshot.add(event(EventKind.EVENT_KIND_AGENT_ADDED, "snapshot").setAgent(agent).build());
        }
        for (ContainerRecord container : containers.values()) {
            if (container.state == ContainerState.CONTAINER_STATE_RUNNING
                    || container.state == ContainerState.CONTAINER_STATE_RECOVERING) {
                snapshot.add(event(EventKind.EVENT_KIND_CONTAINER_ADDED, "snapshot")
                        .setContainer(container.toInfo()).build());
            }
        }
        return snapshot;
    }

    public int containerCount() {
        return containers.size();
    }

    public int sessionCount() {
        return sessions.size();
    }

    public int agentCount() {
        return agents.size();
    }

    // ------------------------------------------------------------------------------------------------ events

    private Event.Builder event(EventKind kind, String reason) {
        return Event.newBuilder().setKind(kind).setAtMs(clock.millis()).setReason(reason);
    }

    private void publish(EventKind kind, AgentInfo agent, String reason) {
        events.publish(event(kind, reason).setAgent(agent).build());
    }

    private void publish(EventKind kind, ContainerInfo container, String reason) {
        events.publish(event(kind, reason).setContainer(container).build());
    }
}
