package dev.vnet.network.registry;

import dev.vnet.network.placement.Placement;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Moves containers between agents, as part of the registry (same thread, same state): a stateless container's
 * standby copy is activated, an {@code ha} container is re-created from its stored spec. A move is either
 * break-before-make (the old copy is gone: its agent died) or make-before-break (an operator or a drain moves it:
 * requests go to the old copy until the new one runs, then the old one is told to stop).
 *
 * <p>At most {@code maxConcurrent} ha re-creations run at once; the rest queue. A move that finds no agent with
 * room fails (recorded, announced) and is retried every second until an agent with room appears. It reads the
 * registry's agents, records and announces moves itself, and reaches back only through {@link MoveOutcomes}.
 */
final class Migrations implements Moves {

    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());
    private static final long RETRY_EVERY_MS = 1000;

    private final RegistryState state;
    private final Commands commands;
    private final Placement placement;
    private final MoveOutcomes outcomes;
    private final int maxConcurrent;
    /** Moves under way, by container uuid: with a target starting, or waiting for one. */
    private final Map<String, Migration> moving = new LinkedHashMap<>();
    /** ha moves waiting for a slot. */
    private final ArrayDeque<Migration> queued = new ArrayDeque<>();
    private long lastRetryMs;

    Migrations(RegistryState state, Commands commands, Placement placement, MoveOutcomes outcomes) {
        this.state = state;
        this.commands = commands;
        this.placement = placement;
        this.outcomes = outcomes;
        this.maxConcurrent = state.settings.maxConcurrentMigrations();
    }

    @Override
    public Migration start(ContainerRecord container, Migration.Trigger trigger, boolean oldStillRuns,
            AgentRecord requested) {
        Migration migration = new Migration(container, trigger, container.agentId, container.epoch, oldStillRuns,
                state.now(), requested);
        container.migration = migration;
        container.migrationStatus = MigrationStatus.MIGRATION_STATUS_MIGRATING;
        announce(EventKind.EVENT_KIND_MIGRATION_STARTED,
                migration.toInfo(MigrationStatus.MIGRATION_STATUS_MIGRATING, state.now(), ""),
                trigger.word + " move of " + container.uuid + " from " + container.agentId);
        if (container.type == ContainerType.CONTAINER_TYPE_HA && inFlight() >= maxConcurrent) {
            queued.addLast(migration);
        } else {
            moving.put(container.uuid, migration);
            launch(migration);
        }
        return migration;
    }

    @Override
    public boolean started(AgentRecord agent, ContainerStarted started) {
        Migration migration = moving.get(started.getUuid());
        if (migration == null || migration.target != agent || migration.targetEpoch != started.getEpoch()) {
            return false;
        }
        if (started.hasError()) {
            attemptFailed(migration, "agent " + agent.agentId + " could not start it: "
                    + started.getError().getMessage());
        } else {
            complete(migration);
        }
        return true;
    }

    @Override
    public void agentGone(AgentRecord agent) {
        for (Migration migration : List.copyOf(moving.values())) {
            if (migration.target == agent) {
                attemptFailed(migration, "target agent " + agent.agentId + " went away");
            }
        }
    }

    @Override
    public void offered(ContainerRecord container) {
        Migration migration = moving.get(container.uuid);
        if (migration != null && migration.target == null) {
            launch(migration);
        }
    }

    /** Targets that take too long fail over; moves without a target are retried every second. */
    @Override
    public void tick(long now) {
        for (Migration migration : List.copyOf(moving.values())) {
            if (migration.target != null && now > migration.deadlineMs) {
                attemptFailed(migration, "agent " + migration.target.agentId + " did not start it within "
                        + state.settings.startTimeoutMs() + " ms");
            }
        }
        if (now - lastRetryMs >= RETRY_EVERY_MS) {
            lastRetryMs = now;
            for (Migration migration : List.copyOf(moving.values())) {
                if (migration.target == null) {
                    launch(migration);
                }
            }
        }
    }

    /**
     * The agent an {@code ha} container was being moved away from, because it was taken for gone, came back still
     * running the same activation (or, the store lagging, a newer one of an earlier leader) before the new copy
     * ran: it is alive after all (it came back just after a new
     * leader's recovery window, or after a silence), and its copy holds the container's state. The move is called
     * off (the target's copy, if one was starting, is told to stop) and the container stays where it is.
     *
     * @return whether the move was called off; the caller then places the container back on {@code from}
     */
    @Override
    public boolean callOff(ContainerRecord container, AgentRecord from, long epoch) {
        Migration migration = container.migration;
        if (migration == null || migration.fromStillRuns || container.type != ContainerType.CONTAINER_TYPE_HA
                || !migration.fromAgentId.equals(from.agentId) || epoch < migration.fromEpoch
                || epoch == migration.targetEpoch) {
            return false;
        }
        AgentRecord target = migration.target;
        String why = "agent " + from.agentId + " came back with it before the move finished";
        if (target != null) {
            target.unplace(container);
            target.link.terminate(commands.terminate(container.uuid, migration.targetEpoch,
                    "the move was called off: " + why));
            migration.target = null;
        }
        finish(migration, MigrationStatus.MIGRATION_STATUS_FAILED, "called off: " + why);
        return true;
    }

    /** The waiters of a move learn its outcome; a manual move's caller waits on this. */
    @Override
    public CompletableFuture<MigrationInfo> outcome(Migration migration) {
        CompletableFuture<MigrationInfo> result = new CompletableFuture<>();
        migration.waiters.add(result);
        return result;
    }

    /** Forgets every move of a container that is removed. */
    @Override
    public void forget(ContainerRecord container, String reason) {
        Migration migration = container.migration;
        if (migration == null) {
            return;
        }
        if (migration.target != null) {
            migration.target.unplace(container);
        }
        moving.remove(container.uuid);
        queued.remove(migration);
        container.migration = null;
        finishWaiters(migration, migration.toInfo(MigrationStatus.MIGRATION_STATUS_FAILED, state.now(), reason));
        startQueued();
    }

    private void launch(Migration migration) {
        ContainerRecord container = migration.container;
        AgentRecord target = chooseTarget(migration);
        if (target == null) {
            String why = migration.requested != null ? "agent " + migration.requested.agentId + " cannot take it now"
                    : container.type == ContainerType.CONTAINER_TYPE_STATELESS
                    ? "no other agent offers stateless container " + container.uuid
                    : placement.whyNone(state.agents.values(), container.kind, container.resources, excluded(migration));
            noTarget(migration, why);
            return;
        }
        migration.target = target;
        migration.targetEpoch = state.epochs.next();
        migration.deadlineMs = state.now() + state.settings.startTimeoutMs();
        target.place(container);
        target.link.start(commands.start(container, migration.targetEpoch));
    }

    private AgentRecord chooseTarget(Migration migration) {
        ContainerRecord container = migration.container;
        AgentRecord requested = migration.requested;
        if (requested != null) {
            boolean fits = state.agents.get(requested.agentId) == requested && !migration.tried.contains(requested.agentId)
                    && requested.state == AgentState.AGENT_STATE_ACTIVE
                    && requested.supports(container.kind) && requested.hasRoomFor(container.resources);
            return fits ? requested : null;
        }
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            for (String offering : container.offers()) {
                AgentRecord agent = state.agents.get(offering);
                if (agent != null && agent.state == AgentState.AGENT_STATE_ACTIVE
                        && !excluded(migration).contains(offering)) {
                    return agent;
                }
            }
            return null;
        }
        List<String> clusters = new ArrayList<>();
        clusters.add(container.preferredCluster);
        AgentRecord from = state.agents.get(migration.fromAgentId);
        if (from != null) {
            clusters.add(from.cluster);
        }
        return placement.chooseTarget(state.agents.values(), container.kind, container.resources, clusters,
                excluded(migration));
    }

    /** The agent a make-before-break move leaves, and those that failed, are not targets. */
    private static Set<String> excluded(Migration migration) {
        Set<String> excluded = new HashSet<>(migration.tried);
        if (migration.fromStillRuns) {
            excluded.add(migration.fromAgentId);
        }
        return excluded;
    }

    private void noTarget(Migration migration, String why) {
        ContainerRecord container = migration.container;
        if (migration.fromStillRuns) {
            // Its copy still runs where it is: the move is simply not possible now.
            finish(migration, MigrationStatus.MIGRATION_STATUS_FAILED, why);
            return;
        }
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            finish(migration, MigrationStatus.MIGRATION_STATUS_FAILED, why);
            outcomes.removed(container, why);
            return;
        }
        if (!why.equals(migration.lastError)) {
            migration.lastError = why;
            container.migrationStatus = MigrationStatus.MIGRATION_STATUS_FAILED;
            MigrationInfo failed = migration.toInfo(MigrationStatus.MIGRATION_STATUS_FAILED, state.now(), why);
            state.store.migration(failed);
            announce(EventKind.EVENT_KIND_MIGRATION_FAILED, failed, why + "; retrying every " + RETRY_EVERY_MS + " ms");
            state.store.container(container.toStored());
            LOG.log(Level.WARNING, () -> "ha container " + container.uuid + " cannot move yet: " + why);
        }
    }

    private void attemptFailed(Migration migration, String why) {
        AgentRecord target = migration.target;
        if (target != null) {
            migration.tried.add(target.agentId);
            target.unplace(migration.container);
            target.link.terminate(commands.terminate(migration.container.uuid, migration.targetEpoch,
                    "the move failed: " + why));
        }
        migration.target = null;
        migration.lastError = "";
        LOG.log(Level.WARNING, () -> "move of " + migration.container.uuid + ": " + why + "; trying another agent");
        launch(migration);
    }

    private void complete(Migration migration) {
        ContainerRecord container = migration.container;
        AgentRecord from = container.agent;
        if (from != null && from != migration.target) {
            from.unplace(container);
            from.link.terminate(commands.terminate(container.uuid, migration.fromEpoch,
                    "moved to agent " + migration.target.agentId));
        }
        container.lastMigrationAtMs = state.now();
        outcomes.activated(container, migration.target, migration.targetEpoch,
                migration.trigger.word + " move from " + migration.fromAgentId + " to " + migration.target.agentId);
        finish(migration, MigrationStatus.MIGRATION_STATUS_COMPLETED, "");
    }

    private void finish(Migration migration, MigrationStatus status, String error) {
        ContainerRecord container = migration.container;
        moving.remove(container.uuid);
        queued.remove(migration);
        container.migration = null;
        container.migrationStatus = status;
        MigrationInfo info = migration.toInfo(status, state.now(), error);
        state.store.migration(info);
        announce(status == MigrationStatus.MIGRATION_STATUS_COMPLETED
                ? EventKind.EVENT_KIND_MIGRATION_COMPLETED : EventKind.EVENT_KIND_MIGRATION_FAILED, info,
                status == MigrationStatus.MIGRATION_STATUS_COMPLETED ? "moved in " + info.getDurationMs() + " ms" : error);
        if (container.state != ContainerState.CONTAINER_STATE_MOVING) {
            state.store.container(container.toStored());
        }
        finishWaiters(migration, info);
        LOG.log(Level.INFO, () -> migration.trigger.word + " move of " + container.kind + " " + container.uuid + " from "
                + migration.fromAgentId + (migration.target == null ? "" : " to " + migration.target.agentId) + ": "
                + status.name().substring("MIGRATION_STATUS_".length()).toLowerCase() + " in " + info.getDurationMs()
                + " ms" + (error.isEmpty() ? "" : " (" + error + ")"));
        startQueued();
    }

    private static void finishWaiters(Migration migration, MigrationInfo info) {
        migration.waiters.forEach(waiter -> waiter.complete(info));
        migration.waiters.clear();
    }

    private void startQueued() {
        while (!queued.isEmpty() && inFlight() < maxConcurrent) {
            Migration next = queued.pollFirst();
            moving.put(next.container.uuid, next);
            launch(next);
        }
    }

    /** ha re-creations in flight (stateless activations are cheap and not counted). */
    private int inFlight() {
        int count = 0;
        for (Migration migration : moving.values()) {
            if (migration.container.type == ContainerType.CONTAINER_TYPE_HA) {
                count++;
            }
        }
        return count;
    }

    private void announce(EventKind kind, MigrationInfo migration, String reason) {
        state.events.publish(state.event(kind, reason).setMigration(migration).build());
    }
}
