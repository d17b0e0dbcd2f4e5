package dev.vnet.network.registry;

import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.Resources;
import dev.vnet.proto.v1.RunningContainer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Getting back what runs after a coordinator restart or a dropped agent stream: the registry restored from the
 * store, agents' reports of what they run squared with it, agents that do not come back given up, and the standard
 * containers of an agent whose stream dropped kept for the blip grace.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    private static final Payload NO_SPEC = Payload.getDefaultInstance();

    private final RegistryState state;
    private final Commands commands;
    private final Lifecycle lifecycle;
    private final RouteWaits routeWaits;
    private final BlipGraces blipGraces = new BlipGraces();
    private long awaitedUntilMs;
    /** Whether the containers restored from the store are still waiting for the end of the recovery window. */
    private boolean restoredContainersPending;

    Recovery(RegistryState state, Commands commands, Lifecycle lifecycle, RouteWaits routeWaits) {
        this.state = state;
        this.commands = commands;
        this.lifecycle = lifecycle;
        this.routeWaits = routeWaits;
    }

    /** See {@link Registry#restore}. */
    void restore(StoredState stored) {
        state.leadWith(stored.leaderEpoch());
        // The window opens when this coordinator serves (startWindow): until then no agent can come back, and a
        // term that is slow to start (a loaded machine, a slow first query) must not give its agents up and write
        // their containers off in the store that the next leader restores from.
        state.recoveryEndsMs = Long.MAX_VALUE;
        awaitedUntilMs = Long.MAX_VALUE;
        for (StoredAgent agent : stored.agents()) {
            if (!stored.goneAgentIds().contains(agent.agentId())) {
                state.awaitedAgents.put(agent.agentId(), agent);
            }
            state.knownKinds.addAll(agent.kinds());
        }
        restoredContainersPending = !stored.containers().isEmpty();
        for (StoredContainer kept : stored.containers()) {
            ContainerRecord container = new ContainerRecord(kept.uuid(), kept.kind(), kept.type(), kept.labels(),
                    kept.spec(), kept.resources(), kept.preferredCluster(), kept.createdAtMs());
            container.moveTo(ContainerState.CONTAINER_STATE_RECOVERING);
            container.restoredOn(kept.agentId());
            container.epoch = kept.epoch();
            container.migrationStatus = kept.migrationStatus();
            container.lastMigrationAtMs = kept.lastMigrationAtMs();
            state.epochs.observe(kept.epoch());
            state.knownKinds.add(kept.kind());
            lifecycle.add(container);
            state.recovering.add(container);
        }
        LOG.log(Level.INFO, () -> "registry restored with leader epoch " + state.leaderEpoch + ": "
                + state.awaitedAgents.size() + " agents awaited (of " + stored.agents().size() + " known) and "
                + stored.containers().size() + " containers recovering for " + state.settings.recoveryWindowMs()
                + " ms once it serves");
    }

    /** See {@link Registry#serving}. */
    void startWindow() {
        if (awaitedUntilMs == Long.MAX_VALUE) {
            state.recoveryEndsMs = state.now() + state.settings.recoveryWindowMs();
            awaitedUntilMs = state.recoveryEndsMs;
        }
    }

    /**
     * Squares what an agent says it runs with what the registry knows.
     *
     * @return commands that must reach the agent after its acknowledgement
     */
    List<Runnable> reconcile(AgentRecord agent, List<RunningContainer> reported, RegisterAck.Builder ack) {
        List<Runnable> afterAck = new ArrayList<>();
        Set<String> reportedUuids = new HashSet<>();
        for (RunningContainer running : reported) {
            reportedUuids.add(running.getUuid());
            state.epochs.observe(running.getEpoch());
            ContainerRecord known = state.containers.get(running.getUuid());
            if (known == null) {
                adopt(agent, running);
            } else if (known.state == ContainerState.CONTAINER_STATE_RECOVERING && running.getEpoch() >= known.epoch) {
                // The store may lag behind (it is written after the fact): the copy an agent reports with an
                // epoch at least as new as the stored one is the current activation.
                state.recovering.remove(known);
                known.placeOn(agent, running.getEpoch());
                lifecycle.markRunning(known, "recovered: agent " + agent.agentId + " still runs it",
                        EventKind.EVENT_KIND_CONTAINER_UPDATED);
            } else if (known.state == ContainerState.CONTAINER_STATE_MOVING
                    && lifecycle.moves().callOff(known, agent, running.getEpoch())) {
                known.placeOn(agent, running.getEpoch());
                lifecycle.markRunning(known, "agent " + agent.agentId + " came back with it before its move "
                        + "finished: it stays there, with its state", EventKind.EVENT_KIND_CONTAINER_UPDATED);
            } else if (known.agent == agent && known.epoch == running.getEpoch()) {
                if (known.state == ContainerState.CONTAINER_STATE_STARTING) {
                    lifecycle.markRunning(known);
                } else {
                    lifecycle.publishRoute(known);
                }
            } else {
                ack.addTerminate(commands.terminate(running.getUuid(), running.getEpoch(), "container "
                        + running.getUuid() + " runs elsewhere now (activation " + known.epoch
                        + (known.agent == null ? "" : " on agent " + known.agent.agentId) + ")"));
            }
        }
        for (ContainerRecord known : List.copyOf(state.recovering)) {
            if (known.agentId.equals(agent.agentId) && !reportedUuids.contains(known.uuid)) {
                lifecycle.lost(known, "agent " + agent.agentId + " came back without it");
            }
        }
        for (ContainerRecord known : List.copyOf(agent.containers.values())) {
            if (reportedUuids.contains(known.uuid)) {
                continue;
            }
            if (known.state == ContainerState.CONTAINER_STATE_STARTING) {
                // The start command went out on the old stream and may be lost: ask again on the new one.
                afterAck.add(() -> agent.link.start(commands.start(known, known.epoch)));
            } else if (known.type == ContainerType.CONTAINER_TYPE_STATELESS) {
                lifecycle.lost(known, "agent " + agent.agentId + " reconnected without it");
            } else {
                lifecycle.remove(known, "agent " + agent.agentId + " reconnected without it");
            }
        }
        return afterAck;
    }

    private void adopt(AgentRecord agent, RunningContainer running) {
        ContainerType type = running.getType() == ContainerType.CONTAINER_TYPE_UNSPECIFIED
                ? ContainerType.CONTAINER_TYPE_STANDARD : running.getType();
        ContainerRecord container = new ContainerRecord(running.getUuid(), running.getKind(), type,
                running.getLabelsList(), NO_SPEC, Resources.getDefaultInstance(), "", state.now());
        container.moveTo(ContainerState.CONTAINER_STATE_STARTING);
        container.placeOn(agent, running.getEpoch());
        lifecycle.add(container);
        lifecycle.markRunning(container, "adopted from agent " + agent.agentId, EventKind.EVENT_KIND_CONTAINER_ADDED);
    }

    /**
     * A standard container whose agent's stream dropped waits RECOVERING, with its references, for the agent to
     * re-register it within the blip grace (calls wait for it meanwhile); {@link #endBlipGraces} removes it after.
     */
    void keepThroughBlip(ContainerRecord container, AgentRecord agent, String reason) {
        blipGraces.start(agent.agentId, state.now() + state.settings.blipGraceMs());
        lifecycle.detach(container, reason + "; kept for " + state.settings.blipGraceMs() + " ms "
                + "(vnet.network.blip-grace) for it to come back", ContainerState.CONTAINER_STATE_RECOVERING);
        state.recovering.add(container);
    }

    /** The blip grace of these agents ended: the standard containers that did not come back with them are removed. */
    void endBlipGraces(long now) {
        for (String agentId : blipGraces.ended(now)) {
            if (state.agents.containsKey(agentId)) {
                continue; // it came back: its registration settled what it runs
            }
            for (ContainerRecord container : List.copyOf(state.recovering)) {
                if (container.agentId.equals(agentId)) {
                    lifecycle.lost(container, "its agent " + agentId + " did not come back within the blip grace of "
                            + state.settings.blipGraceMs() + " ms");
                }
            }
        }
    }

    /** Agents the store knew that did not come back within the recovery window: unhealthy, their containers lost. */
    void giveUpAwaitedAgents(long now) {
        if ((state.awaitedAgents.isEmpty() && !restoredContainersPending) || now < awaitedUntilMs) {
            return;
        }
        restoredContainersPending = false;
        for (StoredAgent gone : List.copyOf(state.awaitedAgents.values())) {
            state.awaitedAgents.remove(gone.agentId());
            state.store.health(new StoredHealth(gone.agentId(), NodeStatus.NODE_STATUS_UNHEALTHY, gone.lastSeenMs(),
                    gone.capacity(), Load.getDefaultInstance()));
            LOG.log(Level.WARNING, () -> "agent " + gone.agentId() + " did not come back within "
                    + state.settings.recoveryWindowMs() + " ms of the coordinator serving: marked unhealthy");
        }
        for (ContainerRecord container : List.copyOf(state.recovering)) {
            if (state.agents.get(container.agentId) == null && !blipGraces.running(container.agentId)) {
                lifecycle.lost(container, "its agent " + container.agentId + " did not come back after the "
                        + "coordinator restarted");
            }
        }
        routeWaits.unknownNotFound();
    }
}
