package dev.vnet.network.registry;

import dev.vnet.network.placement.Placement;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.AgentState;
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
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A container's life in the registry: created by a get (or held until the recovery window has passed), started on
 * an agent, running and routed, lost with its copy (removed, or moved by {@link Moves}), stopped when idle, removed.
 * Every change of state goes through here, so that routes, waiting calls, holders, watchers and the store hear of
 * it the same way whatever caused it.
 */
final class Lifecycle implements MoveOutcomes {

    private static final System.Logger LOG = System.getLogger(Lifecycle.class.getName());

    /** A get that would create a container, held until the recovery window has passed. */
    private record HeldGet(String sessionId, GetRequest request, CompletableFuture<GetResponse> result) {}

    private final RegistryState state;
    private final Commands commands;
    private final Placement placement;
    private final Sessions sessions;
    private final RouteWaits routeWaits;
    private final IdleTimeouts idle;
    private final Moves moves;
    /** Containers being started: their starts fail at their deadlines. */
    private final Set<ContainerRecord> starting = new LinkedHashSet<>();
    private final List<HeldGet> heldGets = new ArrayList<>();

    Lifecycle(RegistryState state, Commands commands, Placement placement, Sessions sessions, RouteWaits routeWaits,
            IdleTimeouts idle) {
        this.state = state;
        this.commands = commands;
        this.placement = placement;
        this.sessions = sessions;
        this.routeWaits = routeWaits;
        this.idle = idle;
        this.moves = new Migrations(state, commands, placement, this);
    }

    /** The moves this lifecycle hands lost stateless and ha containers to. */
    Moves moves() {
        return moves;
    }

    // --------------------------------------------------------------------------------------------- creation

    /** Get-or-create: see {@link Registry#get}. */
    CompletableFuture<GetResponse> get(String sessionId, GetRequest request) {
        SessionRecord session = sessions.touched(sessionId);
        ContainerRecord container = state.containers.find(request);
        if (container != null) {
            if (!container.kind.equals(request.getKind())) {
                throw new RegistryException(Failure.INVALID_ARGUMENT, "container " + container.uuid + " is of kind '"
                        + container.kind + "', not '" + request.getKind() + "'");
            }
            sessions.requireRoom(session, container.uuid);
            sessions.reference(container, session);
            return answer(container, false);
        }
        if (state.now() < state.recoveryEndsMs) {
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
        sessions.requireRoom(session, null);
        AgentRecord agent = placement.choose(state.agents.values(), request.getKind(), request.getResources());
        if (agent == null) {
            throw noAgentFor(request);
        }
        String uuid = request.getUuid().isEmpty() ? UUID.randomUUID().toString() : request.getUuid();
        container = new ContainerRecord(uuid, request.getKind(), type, request.getLabelsList(), request.getSpec(),
                request.getResources(), request.getPreferredCluster(), state.now());
        sessions.reference(container, session);
        start(container, agent);
        return answer(container, true);
    }

    /** The recovery window has passed: the held gets find what agents re-registered, or create. */
    void releaseHeldGets(long now) {
        if (now < state.recoveryEndsMs || heldGets.isEmpty()) {
            return;
        }
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

    /** A new container (created, or a first stateless offer) is started on {@code agent} as a new activation. */
    void start(ContainerRecord container, AgentRecord agent) {
        container.moveTo(ContainerState.CONTAINER_STATE_STARTING);
        container.placeOn(agent, state.epochs.next());
        container.startDeadlineMs = state.now() + state.settings.startTimeoutMs();
        add(container);
        starting.add(container);
        agent.link.start(commands.start(container, container.epoch));
    }

    /** Holds {@code container} from now on; calls that waited for its uuid wait for it to run. */
    void add(ContainerRecord container) {
        state.containers.add(container);
        routeWaits.known(container);
    }

    private RegistryException noAgentFor(GetRequest request) {
        String kind = request.getKind();
        if (!state.knownKinds.contains(kind)) {
            return new RegistryException(Failure.NOT_FOUND, "unknown kind '" + kind + "': no agent has offered it"
                    + (state.knownKinds.isEmpty() ? " (no agent has registered yet)"
                            : "; known kinds: " + state.knownKinds));
        }
        List<String> reasons = new ArrayList<>();
        for (AgentRecord agent : state.agents.values()) {
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

    private static CompletableFuture<GetResponse> answer(ContainerRecord container, boolean created) {
        if (container.state == ContainerState.CONTAINER_STATE_RUNNING) {
            return CompletableFuture.completedFuture(GetResponse.newBuilder().setContainer(container.toInfo())
                    .setCreated(created).build());
        }
        CompletableFuture<GetResponse> result = new CompletableFuture<>();
        container.addPendingGet(new ContainerRecord.PendingGet(result, created));
        return result;
    }

    // --------------------------------------------------------------------------------------- agents' answers

    /** The agent's answer to a start command. */
    void started(AgentLink link, ContainerStarted started) {
        AgentRecord agent = state.current(link);
        if (agent == null || moves.started(agent, started)) {
            return;
        }
        ContainerRecord container = state.containers.get(started.getUuid());
        boolean wanted = container != null && container.agent == agent && container.epoch == started.getEpoch()
                && container.state == ContainerState.CONTAINER_STATE_STARTING;
        if (!wanted) {
            if (!started.hasError()) {
                link.terminate(commands.terminate(started.getUuid(), started.getEpoch(),
                        "the network no longer wants this activation"));
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
    void stopped(AgentLink link, ContainerStopped stopped) {
        AgentRecord agent = state.current(link);
        ContainerRecord container = state.containers.get(stopped.getUuid());
        if (agent != null && container != null && container.agent == agent && container.epoch == stopped.getEpoch()) {
            lost(container, "stopped on agent " + agent.agentId + ": " + stopped.getReason());
        }
    }

    // ------------------------------------------------------------------------------------------ transitions

    void markRunning(ContainerRecord container) {
        markRunning(container, "started on agent " + container.agent.agentId, EventKind.EVENT_KIND_CONTAINER_ADDED);
    }

    /** The container runs: it is routed, whoever waited for it is answered, watchers and the store are told. */
    void markRunning(ContainerRecord container, String reason, EventKind announcement) {
        starting.remove(container);
        container.moveTo(ContainerState.CONTAINER_STATE_RUNNING);
        publishRoute(container);
        ContainerInfo info = container.toInfo();
        List<ContainerRecord.PendingGet> gets = container.takePendingGets();
        Runnable answerGets = () -> gets.forEach(pending -> pending.result().complete(
                GetResponse.newBuilder().setContainer(info).setCreated(pending.created()).build()));
        RouteWaits.answer(container);
        if (container.unreferenced()) {
            idle.start(container);
        }
        if (container.type == ContainerType.CONTAINER_TYPE_HA && !gets.isEmpty()) {
            // Whoever asked for an ha container hears of it only once its spec is safely stored.
            state.store.containerDurably(container.toStored()).thenRun(answerGets);
        } else {
            state.store.container(container.toStored());
            answerGets.run();
        }
        state.publish(announcement, info, reason);
    }

    @Override
    public void activated(ContainerRecord container, AgentRecord target, long epoch, String reason) {
        container.placeOn(target, epoch);
        markRunning(container, reason, EventKind.EVENT_KIND_CONTAINER_UPDATED);
    }

    @Override
    public void removed(ContainerRecord container, String reason) {
        remove(container, reason);
    }

    /**
     * A container whose copy is gone for good (its agent died, did not come back after a restart, or the copy
     * stopped): a standard container is removed, a stateless one fails over to a standby copy, an ha one is
     * re-created elsewhere.
     */
    void lost(ContainerRecord container, String reason) {
        if (container.type == ContainerType.CONTAINER_TYPE_STANDARD) {
            remove(container, reason);
            return;
        }
        if (container.migration == null) {
            detach(container, reason);
            moves.start(container, Migration.Trigger.AUTOMATIC, false, null);
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

    /** The container's copy no longer serves: unrouted, in {@code next} until it is activated again. */
    void detach(ContainerRecord container, String reason, ContainerState next) {
        if (container.agent != null) {
            container.agent.unplace(container);
            container.agent = null;
        }
        state.recovering.remove(container);
        starting.remove(container);
        container.moveTo(next);
        if (container.route != null) {
            state.routes.remove(container.route);
            Connections.close(container.route, "the container is moving (" + reason + "); connect again");
            container.route = null;
        }
        Event event = state.event(EventKind.EVENT_KIND_CONTAINER_UPDATED, reason).setContainer(container.toInfo())
                .build();
        sessions.notifyHolders(container, event);
        state.events.publish(event);
    }

    /** (Re)publishes the route of a running container on its agent's current link. */
    void publishRoute(ContainerRecord container) {
        Route previous = container.route;
        Route route = new Route(container.uuid, container.agent.link, container.epoch, container.agent.endpoint);
        container.route = route;
        state.routes.put(route);
        if (previous != null) {
            Connections.close(previous, "the container's agent reconnected; connect again");
        }
    }

    private void failStart(ContainerRecord container, RegistryException failure) {
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS && container.offers().size() > 1) {
            // That copy could not be activated: the next offer is, and this agent's offer goes last.
            container.removeOffer(container.agentId);
            container.addOffer(container.agentId);
            lost(container, failure.getMessage());
            return;
        }
        container.takePendingGets().forEach(pending -> pending.result().completeExceptionally(failure));
        remove(container, failure.getMessage());
    }

    /** Forgets a container: unroutes it, fails whoever waits for it, tells its holders and the watchers. */
    void remove(ContainerRecord container, String reason) {
        if (!state.containers.remove(container)) {
            return;
        }
        starting.remove(container);
        state.recovering.remove(container);
        if (container.agent != null) {
            container.agent.unplace(container);
        }
        container.idleToken++;
        state.store.containerRemoved(container.uuid);
        moves.forget(container, "the container was removed: " + reason);
        for (String offering : container.offers()) {
            AgentRecord agent = state.agents.get(offering);
            if (agent != null) {
                agent.offered.remove(container.uuid);
            }
        }
        boolean wasAnnounced = container.state != ContainerState.CONTAINER_STATE_STARTING;
        RegistryException gone = new RegistryException(Failure.UNAVAILABLE, "container " + container.uuid
                + " is gone: " + reason);
        if (container.route != null) {
            state.routes.remove(container.route);
            Connections.close(container.route, reason);
        }
        container.takePendingGets().forEach(pending -> pending.result().completeExceptionally(gone));
        RouteWaits.fail(container, gone);
        container.takePendingConnects().forEach(pending -> pending.completeExceptionally(gone));
        Event event = state.event(EventKind.EVENT_KIND_CONTAINER_REMOVED, reason).setContainer(container.toInfo())
                .build();
        if (wasAnnounced) {
            sessions.notifyHolders(container, event);
            state.events.publish(event);
        }
        sessions.forget(container);
        LOG.log(Level.DEBUG, () -> "container " + container.uuid + " removed: " + reason);
    }

    /** Stops the running copy of {@code container} and forgets it. */
    void terminate(ContainerRecord container, String reason) {
        container.agent.link.terminate(commands.terminate(container, reason));
        remove(container, reason);
    }

    // ------------------------------------------------------------------------------------------------ time

    /** Starts that took too long fail (a stateless copy fails over to the next offer). */
    void expireStarts(long now) {
        for (ContainerRecord container : List.copyOf(starting)) {
            if (now > container.startDeadlineMs) {
                container.agent.link.terminate(commands.terminate(container, "start took too long"));
                failStart(container, new RegistryException(Failure.DEADLINE_EXCEEDED, "agent "
                        + container.agent.agentId + " did not start container " + container.uuid + " within "
                        + state.settings.startTimeoutMs() + " ms"));
            }
        }
    }

    /** Containers idle past their timeout are stopped. */
    void expireIdle(long now) {
        idle.expire(now, container -> terminate(container, "idle for " + state.settings.idleTimeoutMs(container.kind)
                + " ms without references"));
    }
}
