package dev.vnet.network.registry;

import dev.vnet.network.placement.LeastLoaded;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ContainerDetail;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.KindInfo;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.ReleaseResponse;
import java.time.InstantSource;
import java.util.List;
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
 *
 * <p>This class is the front door: the state lives in {@link RegistryState} and each concern in a class of its
 * own ({@link Membership}, {@link Lifecycle} with {@link Moves}, {@link Sessions}, {@link RouteWaits},
 * {@link Connections}, {@link Recovery}, {@link OperatorActions}, {@link Views}); the methods here hand each input
 * to the concern it belongs to.
 */
public final class Registry {

    private final RegistryState state;
    private final Sessions sessions;
    private final RouteWaits routeWaits;
    private final Connections connections;
    private final Lifecycle lifecycle;
    private final Recovery recovery;
    private final Membership membership;
    private final OperatorActions operators;
    private final Views views;

    public Registry(RegistrySettings settings, InstantSource clock, EventSink events, RouteTable routes,
            StoreSink store) {
        this(settings, clock, events, routes, store, new SessionOwners());
    }

    /** @param sessionOwners shared with the gRPC shell, across registries: a new one starts with no session */
    public Registry(RegistrySettings settings, InstantSource clock, EventSink events, RouteTable routes,
            StoreSink store, SessionOwners sessionOwners) {
        state = new RegistryState(settings, clock, events, routes, store, sessionOwners);
        Commands commands = new Commands(state);
        IdleTimeouts idle = new IdleTimeouts(state);
        sessions = new Sessions(state, idle);
        routeWaits = new RouteWaits(state);
        connections = new Connections(state);
        lifecycle = new Lifecycle(state, commands, new LeastLoaded(), sessions, routeWaits, idle);
        recovery = new Recovery(state, commands, lifecycle, routeWaits);
        membership = new Membership(state, commands, lifecycle, recovery, routeWaits);
        operators = new OperatorActions(state, commands, lifecycle);
        views = new Views(state);
    }

    /**
     * Starts from what the store held: this coordinator's leader epoch, the agents it knew alive (awaited for the
     * recovery window; those that do not come back are marked unhealthy; those that had left already are not
     * awaited) and the containers (RECOVERING until their agent re-registers them; lost with it otherwise). Called
     * once, before any client or agent is served; the recovery window starts with {@link #serving}.
     */
    public void restore(StoredState stored) {
        recovery.restore(stored);
    }

    /**
     * The restored registry is served from now on: agents can come back, so the recovery window starts now. Gets
     * that would create wait for it to end, and the agents that have not come back by then are given up.
     */
    public void serving() {
        recovery.startWindow();
    }

    public long leaderEpoch() {
        return state.leaderEpoch;
    }

    /** This coordinator leads, as {@code info} says: watchers are told, and new watchers find it in snapshots. */
    public void leaderChanged(LeaderInfo info) {
        views.leaderChanged(info);
    }

    /**
     * This coordinator took the lock again (its session had broken) without having stopped serving: it goes on
     * with what it knows, under its new leader epoch. Activations from now on outrank the earlier ones.
     */
    public void newTerm(long epoch) {
        state.leadWith(epoch);
    }

    public RegistrySettings settings() {
        return state.settings;
    }

    /**
     * The clock this registry's time comes from. It is fixed at construction, so any thread may read it: the
     * shell stamps what it hears with it, so that its stamps compare with the registry's deadlines.
     */
    public InstantSource clock() {
        return state.clock;
    }

    /** Applies the passing of time, as a list of what expires. */
    public void tick() {
        long now = state.now();
        membership.forgiveOwnStall(now);
        lifecycle.releaseHeldGets(now);
        membership.expireSilentAgents(now);
        sessions.expire(now);
        membership.expireSilentStandbys(now);
        operators.expireDrains(now);
        lifecycle.moves().tick(now);
        recovery.endBlipGraces(now);
        recovery.giveUpAwaitedAgents(now);
        routeWaits.expire(now);
        lifecycle.expireStarts(now);
        lifecycle.expireIdle(now);
    }

    // ------------------------------------------------------------------------------------------------ agents

    /**
     * Registers an agent on a new link, or re-attaches the same agent instance on a new stream. Adopts the
     * containers it reports that the network does not know, keeps those it knows there, and tells it (in the
     * acknowledgement, before anything else) to terminate copies that run elsewhere now. Another instance with
     * the same agent id stands by.
     *
     * @throws RegistryException PERMISSION_DENIED when a stream of a live instance is replaced without its secret;
     *     RESOURCE_EXHAUSTED when the network holds its maximum of agents
     */
    public void registerAgent(AgentLink link, AgentRegister registration) {
        membership.register(link, registration);
    }

    /** A heartbeat: the agent is alive, with this load. */
    public void heartbeat(AgentLink link, Load load) {
        membership.heartbeat(link, load);
    }

    /** The agent's stream ended: the agent is dead now. A link already replaced by a newer one is ignored. */
    public void agentDisconnected(AgentLink link, String reason) {
        membership.disconnected(link, reason);
    }

    /** The agent's answer to a start command. */
    public void containerStarted(AgentLink link, ContainerStarted started) {
        lifecycle.started(link, started);
    }

    /** A container ended on its agent by itself. */
    public void containerStopped(AgentLink link, ContainerStopped stopped) {
        lifecycle.stopped(link, stopped);
    }

    /** The agent's answer to a client connection request. */
    public void clientConnected(AgentLink link, ClientConnected connected) {
        connections.connected(link, connected);
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
        return sessions.open(clientName, owner, link, timeoutMs);
    }

    /** Who opened each open session; safe to read from any thread. */
    public SessionOwners sessionOwners() {
        return state.sessionOwners;
    }

    /** The stream of an open session, or null (a unary session, or none). */
    public SessionLink sessionLink(String sessionId) {
        return sessions.link(sessionId);
    }

    /** A sign of life from a session; returns when it now expires, or -1 when it has already ended. */
    public long touchSession(String sessionId) {
        return sessions.touch(sessionId);
    }

    /**
     * Ends a session and releases its references.
     *
     * @return the references released, or -1 when there was no such session
     */
    public int closeSession(String sessionId, String reason) {
        return sessions.close(sessionId, reason);
    }

    /** The refusal for a session that does not exist, or that the caller did not open: the two look alike. */
    public static RegistryException noSuchSession(String sessionId) {
        return Sessions.noSuchSession(sessionId);
    }

    // -------------------------------------------------------------------------------------------- containers

    /**
     * Get-or-create (see {@code GetRequest} in the contract). Completes once the container runs.
     *
     * @param sessionId the session taking a reference, or empty for none
     */
    public CompletableFuture<GetResponse> get(String sessionId, GetRequest request) {
        return lifecycle.get(sessionId, request);
    }

    /**
     * Drops a session's reference.
     *
     * @return the references left, from all sessions, and, when none are left, when the container will stop
     */
    public ReleaseResponse release(String sessionId, String uuid) {
        return sessions.release(sessionId, uuid);
    }

    /**
     * The route of a container that has none in the route table yet: completes when it runs, fails at
     * {@code deadlineMs} or when it is removed. NOT_FOUND at once for an unknown uuid.
     */
    public CompletableFuture<Route> awaitRoute(String uuid, long deadlineMs) {
        return routeWaits.await(uuid, deadlineMs, null);
    }

    /**
     * Like {@link #awaitRoute(String, long)}, for a caller that found the route's agent gone: a route that still
     * leads to {@code gone} (this thread has not heard of its end yet) is not an answer; the next one is.
     */
    public CompletableFuture<Route> awaitRoute(String uuid, long deadlineMs, AgentLink gone) {
        return routeWaits.await(uuid, deadlineMs, gone);
    }

    /**
     * Connects a client to a running container's broadcasts: registers {@code sink} on the current activation and
     * asks the agent to hand the container a broadcaster. Completes when the agent confirms.
     */
    public CompletableFuture<ContainerInfo> connect(String uuid, String clientId, ConnectionSink sink) {
        return connections.connect(uuid, clientId, sink);
    }

    /** Disconnects a client, if {@code sink} is still its connection. */
    public void disconnect(String uuid, String clientId, ConnectionSink sink) {
        connections.disconnect(uuid, clientId, sink);
    }

    // ------------------------------------------------------------------------------------ operators' commands

    /**
     * Drains an agent: no new containers; its stateless and ha containers move away at once (make before break);
     * its standard containers stop when released, or at the deadline.
     *
     * @param deadlineMs how long standard containers may keep running; 0 for the configured drain timeout
     */
    public AgentInfo drain(String agentId, long deadlineMs) {
        return operators.drain(agentId, deadlineMs);
    }

    /** An agent asked to be drained itself (it is shutting down). */
    public void drainRequested(AgentLink link, long deadlineMs) {
        operators.drainRequested(link, deadlineMs);
    }

    /**
     * Moves an ha container to another agent (make before break) and completes when the move is over.
     *
     * @param targetAgentId the agent to move to; empty to let the network choose
     */
    public CompletableFuture<MigrationInfo> migrate(String uuid, String targetAgentId) {
        return operators.migrate(uuid, targetAgentId);
    }

    /** Stops and forgets a container, whoever holds it. */
    public void delete(String uuid) {
        operators.delete(uuid);
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** Counts for metrics. */
    public RegistryStats stats() {
        return views.stats();
    }

    public List<AgentInfo> agents() {
        return views.agents();
    }

    /** The container {@code uuid} as listings show it, or null when there is none. */
    public ContainerInfo containerInfo(String uuid) {
        return views.containerInfo(uuid);
    }

    /** One container in full, as it is now; NOT_FOUND when the registry does not hold it. */
    public ContainerDetail container(String uuid) {
        return views.container(uuid);
    }

    /** Containers matching every non-empty filter. */
    public List<ContainerInfo> containers(String kind, List<String> labels, String agentId) {
        return views.containers(kind, labels, agentId);
    }

    /** The kinds that active agents offer, with who offers them and how many containers of each run. */
    public List<KindInfo> kinds() {
        return views.kinds();
    }

    /** The current state as ADDED events: what a new watcher gets before live events. */
    public List<Event> snapshot() {
        return views.snapshot();
    }

    public int containerCount() {
        return state.containers.size();
    }

    public int sessionCount() {
        return state.sessions.size();
    }

    public int agentCount() {
        return state.agents.size();
    }
}
