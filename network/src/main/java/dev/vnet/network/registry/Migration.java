package dev.vnet.network.registry;

import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One move of a container to another agent: re-creating an {@code ha} container from its stored spec, or
 * activating a standby copy of a stateless one. While it lasts the container is MIGRATING; when its old copy still
 * runs (a manual move, a drain) requests keep going there until the new copy runs.
 */
final class Migration {

    /** Why a container moves: the words the store's history keeps. */
    enum Trigger {
        AUTOMATIC("automatic"),
        MANUAL("manual"),
        DRAIN("drain");

        final String word;

        Trigger(String word) {
            this.word = word;
        }
    }

    final ContainerRecord container;
    final Trigger trigger;
    final String fromAgentId;
    final long fromEpoch;
    /** Whether the old copy still serves until the new one runs (make before break); false once it is gone. */
    boolean fromStillRuns;
    final long startedAtMs;
    /** The only agent it may move to (an operator named it), or null. */
    final AgentRecord requested;
    /** Agents that failed to take it, not tried again in this move. */
    final Set<String> tried = new HashSet<>();
    final List<CompletableFuture<MigrationInfo>> waiters = new ArrayList<>();
    AgentRecord target;
    long targetEpoch;
    long deadlineMs;
    /** Why the last attempt failed, when it did; the move is retried while this is set. */
    String lastError = "";

    Migration(ContainerRecord container, Trigger trigger, String fromAgentId, long fromEpoch, boolean fromStillRuns,
            long startedAtMs, AgentRecord requested) {
        this.requested = requested;
        this.container = container;
        this.trigger = trigger;
        this.fromAgentId = fromAgentId;
        this.fromEpoch = fromEpoch;
        this.fromStillRuns = fromStillRuns;
        this.startedAtMs = startedAtMs;
    }

    MigrationInfo toInfo(MigrationStatus status, long nowMs, String error) {
        MigrationInfo.Builder info = MigrationInfo.newBuilder()
                .setContainerUuid(container.uuid)
                .setFromAgent(fromAgentId)
                .setToAgent(target == null ? "" : target.agentId)
                .setTrigger(trigger.word)
                .setStatus(status)
                .setStartedAtMs(startedAtMs)
                .setError(error);
        if (status != MigrationStatus.MIGRATION_STATUS_MIGRATING) {
            info.setFinishedAtMs(nowMs).setDurationMs(nowMs - startedAtMs);
        }
        return info.build();
    }
}
