package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.StatelessOffer;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Which agents belong to the network: registrations and reconnections, standby instances of a held agent id and
 * their takeover, stateless offers, heartbeats, and deaths (a closed stream now, silence after the alive timeout).
 */
final class Membership {

    private static final System.Logger LOG = System.getLogger(Membership.class.getName());
    private static final Payload NO_SPEC = Payload.getDefaultInstance();

    private final RegistryState state;
    private final Commands commands;
    private final Lifecycle lifecycle;
    private final Recovery recovery;
    private final RouteWaits routeWaits;
    /** When the registry last ticked; -1 before its first tick. */
    private long lastTickMs = -1;

    Membership(RegistryState state, Commands commands, Lifecycle lifecycle, Recovery recovery, RouteWaits routeWaits) {
        this.state = state;
        this.commands = commands;
        this.lifecycle = lifecycle;
        this.recovery = recovery;
        this.routeWaits = routeWaits;
    }

    /** See {@link Registry#registerAgent}. */
    void register(AgentLink link, AgentRegister registration) {
        long now = state.now();
        AgentRecord agent = state.agents.get(registration.getAgentId());
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
            int max = state.settings.limits().maxAgents();
            if (max > 0 && state.agents.size() >= max) {
                throw new RegistryException(Failure.RESOURCE_EXHAUSTED, "the network has " + state.agents.size()
                        + " agents, the limit (vnet.network.limits.max-agents): agent " + registration.getAgentId()
                        + " is refused");
            }
            agent = new AgentRecord(link, registration, now);
            state.agents.put(agent.agentId, agent);
        }
        state.knownKinds.addAll(agent.kinds);
        state.awaitedAgents.remove(agent.agentId);
        state.store.agent(agent.toStored(now));
        state.store.health(agent.health());
        RegisterAck.Builder ack = commands.ack(agent.state, agent.instanceSecret);
        List<Runnable> afterAck = recovery.reconcile(agent, registration.getContainersList(), ack);
        link.registered(ack.build());
        afterAck.forEach(Runnable::run);
        acceptOffers(agent, registration.getStatelessList());
        if (state.awaitedAgents.isEmpty()) {
            routeWaits.unknownNotFound();
        }
        state.publish(reattached ? EventKind.EVENT_KIND_AGENT_UPDATED : EventKind.EVENT_KIND_AGENT_ADDED,
                agent.toInfo(), reattached ? "agent reconnected" : "agent registered");
        LOG.log(Level.INFO, () -> "agent " + registration.getAgentId() + (registration.getCluster().isEmpty() ? ""
                : " (cluster " + registration.getCluster() + ")") + " registered from " + registration.getEndpoint()
                + " with kinds " + registration.getKindsList() + " and " + registration.getContainersCount()
                + " running containers");
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
        Standby standby = new Standby(link, registration, state.now());
        agent.standbys.add(standby);
        link.registered(commands.ack(AgentState.AGENT_STATE_STANDBY, standby.instanceSecret).build());
        state.publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "standby instance "
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
            ContainerRecord container = state.containers.get(offer.getUuid());
            if (container == null) {
                container = new ContainerRecord(offer.getUuid(), offer.getKind(), ContainerType.CONTAINER_TYPE_STATELESS,
                        offer.getLabelsList(), NO_SPEC, Resources.getDefaultInstance(), "", state.now());
                container.addOffer(agent.agentId);
                agent.offered.add(offer.getUuid());
                state.knownKinds.add(offer.getKind());
                lifecycle.start(container, agent);
            } else if (container.type != ContainerType.CONTAINER_TYPE_STATELESS
                    || !container.kind.equals(offer.getKind())) {
                String existing = container.kind + " (" + container.type + ")";
                LOG.log(Level.WARNING, () -> "agent " + agent.agentId + " offers stateless " + offer.getKind() + " "
                        + offer.getUuid() + ", but that uuid is a " + existing + ": offer ignored");
            } else {
                container.addOffer(agent.agentId);
                agent.offered.add(offer.getUuid());
                lifecycle.moves().offered(container);
            }
        }
    }

    /** A heartbeat: the agent (or a standby instance) is alive, with this load. */
    void heartbeat(AgentLink link, Load load) {
        AgentRecord agent = state.current(link);
        if (agent != null) {
            agent.lastHeartbeatMs = state.now();
            agent.load = load;
            state.store.health(agent.health());
            return;
        }
        Standby standby = standbyOf(link);
        if (standby != null) {
            standby.lastHeartbeatMs = state.now();
        }
    }

    /** The agent's stream ended: the agent is dead now. A link already replaced by a newer one is ignored. */
    void disconnected(AgentLink link, String reason) {
        AgentRecord agent = state.current(link);
        if (agent != null) {
            agentGone(agent, reason, true);
            return;
        }
        Standby standby = standbyOf(link);
        if (standby != null) {
            dropStandby(state.agents.get(link.agentId()), standby, reason);
        }
    }

    private Standby standbyOf(AgentLink link) {
        AgentRecord agent = state.agents.get(link.agentId());
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
        state.publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "standby instance "
                + standby.registration.getInstanceId() + " left: " + reason);
    }

    /**
     * The process that held an agent id is gone. A standby instance takes over at once (its offers count, and the
     * dead instance's stateless and ha containers move to it first); without one the agent is removed. Either way
     * the containers the dead process ran are lost: standard ones removed, stateless and ha ones moved. When only
     * its stream dropped (a blip) and no standby took over, its standard containers are kept for the blip grace.
     */
    private void agentGone(AgentRecord agent, String reason, boolean streamDropped) {
        boolean blip = streamDropped && agent.standbys.isEmpty() && state.settings.blipGraceMs() > 0;
        List<ContainerRecord> ran = List.copyOf(agent.containers.values());
        for (String uuid : List.copyOf(agent.offered)) {
            ContainerRecord offered = state.containers.get(uuid);
            if (offered != null) {
                offered.removeOffer(agent.agentId);
            }
        }
        agent.offered.clear();
        agent.link.close(reason);
        lifecycle.moves().agentGone(agent);
        if (agent.standbys.isEmpty()) {
            state.agents.remove(agent.agentId);
            state.store.health(agent.health(NodeStatus.NODE_STATUS_UNHEALTHY));
            state.store.agent(agent.toStored(state.now()));
            state.publish(EventKind.EVENT_KIND_AGENT_REMOVED, agent.toInfo(), reason);
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
                recovery.keepThroughBlip(container, agent, reason);
            } else if (container.state == ContainerState.CONTAINER_STATE_STARTING
                    && container.type != ContainerType.CONTAINER_TYPE_STATELESS) {
                lifecycle.remove(container, "agent " + agent.agentId + " " + reason);
            } else {
                // A stateless copy that was still starting fails over like a running one: the next offer is activated.
                lifecycle.lost(container, "agent " + agent.agentId + " " + reason);
            }
        }
    }

    /** The first standby instance becomes the agent: same id, its own process, told at once that it is active. */
    private void promote(AgentRecord agent, String reason) {
        Standby next = agent.standbys.remove(0);
        String deadInstance = agent.instanceId;
        long now = state.now();
        agent.update(next.link, next.registration, now);
        agent.instanceSecret = next.instanceSecret;
        agent.lastHeartbeatMs = Math.max(now, next.lastHeartbeatMs);
        state.store.agent(agent.toStored(now));
        state.store.health(agent.health());
        next.link.registered(commands.ack(agent.state, agent.instanceSecret).build());
        acceptOffers(agent, next.registration.getStatelessList());
        state.publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "instance " + deadInstance + " " + reason
                + "; standby instance " + agent.instanceId + " took over");
        LOG.log(Level.WARNING, () -> "agent " + agent.agentId + ": instance " + deadInstance + " " + reason
                + "; standby instance " + agent.instanceId + " took over");
    }

    /**
     * Time in which this registry itself did not run (a long GC pause, a frozen process, a command that held its
     * thread) is nobody's silence: the heartbeats and pings that arrived meanwhile still wait in the queue behind
     * this tick, which was due earlier. So whatever of the gap between two ticks passes one heartbeat interval is
     * credited to every agent and session before anyone is judged silent.
     */
    void forgiveOwnStall(long now) {
        long stall = lastTickMs < 0 ? 0 : now - lastTickMs - state.settings.heartbeatIntervalMs();
        lastTickMs = now;
        if (stall <= 0) {
            return;
        }
        for (AgentRecord agent : state.agents.values()) {
            agent.lastHeartbeatMs = Math.min(now, agent.lastHeartbeatMs + stall);
            for (Standby standby : agent.standbys) {
                standby.lastHeartbeatMs = Math.min(now, standby.lastHeartbeatMs + stall);
            }
        }
        for (SessionRecord session : state.sessions.values()) {
            session.lastSeenMs = Math.min(now, session.lastSeenMs + stall);
        }
        LOG.log(Level.WARNING, () -> "the registry did not run for " + (stall + state.settings.heartbeatIntervalMs())
                + " ms (this process paused, or one command held its thread): agents and sessions are "
                + "not blamed for that silence");
    }

    /** Agents silent past the alive timeout are dead. */
    void expireSilentAgents(long now) {
        for (AgentRecord agent : List.copyOf(state.agents.values())) {
            long silentMs = now - Math.max(agent.lastHeartbeatMs, agent.link.lastFrameAtMs());
            if (silentMs > state.settings.aliveTimeoutMs()) {
                agentGone(agent, "sent no heartbeat, nor anything else, for " + silentMs + " ms", false);
            }
        }
    }

    /** Standby instances silent past the alive timeout are dropped. */
    void expireSilentStandbys(long now) {
        for (AgentRecord agent : List.copyOf(state.agents.values())) {
            for (Standby standby : List.copyOf(agent.standbys)) {
                long silentMs = now - Math.max(standby.lastHeartbeatMs, standby.link.lastFrameAtMs());
                if (silentMs > state.settings.aliveTimeoutMs()) {
                    dropStandby(agent, standby, "sent no heartbeat, nor anything else, for " + silentMs + " ms");
                }
            }
        }
    }
}
