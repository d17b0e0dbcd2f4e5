package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.MigrationInfo;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What an operator (or an agent shutting down) asks of the network: drain an agent, move or delete a container. */
final class OperatorActions {

    private static final System.Logger LOG = System.getLogger(OperatorActions.class.getName());

    private final RegistryState state;
    private final Commands commands;
    private final Lifecycle lifecycle;

    OperatorActions(RegistryState state, Commands commands, Lifecycle lifecycle) {
        this.state = state;
        this.commands = commands;
        this.lifecycle = lifecycle;
    }

    /** See {@link Registry#drain}. */
    AgentInfo drain(String agentId, long deadlineMs) {
        AgentRecord agent = state.agents.get(agentId);
        if (agent == null) {
            throw new RegistryException(Failure.NOT_FOUND, "no agent '" + agentId + "' is registered");
        }
        agent.drainDeadlineMs = state.now() + (deadlineMs > 0 ? deadlineMs : state.settings.drainTimeoutMs());
        if (agent.state != AgentState.AGENT_STATE_DRAINING) {
            agent.state = AgentState.AGENT_STATE_DRAINING;
            state.store.health(agent.health());
            agent.link.registered(commands.ack(AgentState.AGENT_STATE_DRAINING, agent.instanceSecret).build());
            for (ContainerRecord container : List.copyOf(agent.containers.values())) {
                if (container.agent == agent && container.type != ContainerType.CONTAINER_TYPE_STANDARD
                        && container.state == ContainerState.CONTAINER_STATE_RUNNING && container.migration == null) {
                    lifecycle.moves().start(container, Migration.Trigger.DRAIN, true, null);
                }
            }
            state.publish(EventKind.EVENT_KIND_AGENT_UPDATED, agent.toInfo(), "draining");
            LOG.log(Level.INFO, () -> "agent " + agentId + " is draining: " + agent.containerCount()
                    + " containers to move or stop");
        }
        return agent.toInfo();
    }

    /** An agent asked to be drained itself (it is shutting down). */
    void drainRequested(AgentLink link, long deadlineMs) {
        AgentRecord agent = state.current(link);
        if (agent != null) {
            drain(agent.agentId, deadlineMs);
        }
    }

    /** Draining agents past their deadline: what still runs there is stopped (and ha containers moved). */
    void expireDrains(long now) {
        for (AgentRecord agent : List.copyOf(state.agents.values())) {
            if (agent.state == AgentState.AGENT_STATE_DRAINING && now >= agent.drainDeadlineMs) {
                stopWhatIsLeft(agent);
            }
        }
    }

    private void stopWhatIsLeft(AgentRecord agent) {
        for (ContainerRecord container : List.copyOf(agent.containers.values())) {
            if (container.agent != agent || container.migration != null) {
                continue;
            }
            String reason = "agent " + agent.agentId + " was drained";
            agent.link.terminate(commands.terminate(container, reason));
            lifecycle.lost(container, reason);
        }
    }

    /** See {@link Registry#migrate}. */
    CompletableFuture<MigrationInfo> migrate(String uuid, String targetAgentId) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        if (container.type != ContainerType.CONTAINER_TYPE_HA) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is " + container.type
                    + ": only ha containers are moved by hand (a stateless one follows its offers: drain its agent)");
        }
        if (container.migration != null) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is migrating already "
                    + "(since " + (state.now() - container.migration.startedAtMs) + " ms, from "
                    + container.migration.fromAgentId + "); wait for that move to finish");
        }
        if (container.state != ContainerState.CONTAINER_STATE_RUNNING) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is not running ("
                    + container.state + "); it can be moved once it runs");
        }
        AgentRecord target = null;
        if (!targetAgentId.isEmpty()) {
            target = state.agents.get(targetAgentId);
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
        Moves moves = lifecycle.moves();
        return moves.outcome(moves.start(container, Migration.Trigger.MANUAL, true, target));
    }

    /** See {@link Registry#delete}. */
    void delete(String uuid) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        if (container.migration != null) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is migrating (from "
                    + container.migration.fromAgentId + "); delete it once the move is over");
        }
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            throw new RegistryException(Failure.FAILED_PRECONDITION, "container " + uuid + " is stateless: it lives "
                    + "as long as agents offer it; stop offering it on " + container.offers());
        }
        if (container.agent != null) {
            lifecycle.terminate(container, "deleted by an operator");
        } else {
            lifecycle.remove(container, "deleted by an operator");
        }
    }
}
