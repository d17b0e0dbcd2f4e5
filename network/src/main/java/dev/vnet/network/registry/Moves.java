package dev.vnet.network.registry;

import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.MigrationInfo;
import java.util.concurrent.CompletableFuture;

/**
 * What the registry asks of the process that moves containers (a stateless container's standby copy activated,
 * an {@code ha} container re-created elsewhere). The process owns its moves; it answers through
 * {@link MoveOutcomes}.
 */
interface Moves {

    /**
     * Starts moving {@code container} away from its current agent.
     *
     * @param oldStillRuns whether its current copy serves until the new one runs (make before break)
     * @param requested the only agent it may move to, or null to let placement choose
     */
    Migration start(ContainerRecord container, Migration.Trigger trigger, boolean oldStillRuns, AgentRecord requested);

    /** The outcome of {@code migration}, once it is over. */
    CompletableFuture<MigrationInfo> outcome(Migration migration);

    /** An agent's answer to a start command; false when the start was not a move's. */
    boolean started(AgentRecord agent, ContainerStarted started);

    /** An agent went away: moves that were starting there try another target. */
    void agentGone(AgentRecord agent);

    /** A stateless container got a new offer: a move waiting for one goes on. */
    void offered(ContainerRecord container);

    /**
     * The agent {@code container} was moving away from came back still running activation {@code epoch}: the move
     * is called off when that copy is the one to keep.
     *
     * @return whether it was; the caller then places the container back on {@code from}
     */
    boolean callOff(ContainerRecord container, AgentRecord from, long epoch);

    /** {@code container} was removed: its move, if any, is over. */
    void forget(ContainerRecord container, String reason);

    /** Time passed: slow targets fail over, moves without a target try again. */
    void tick(long now);
}
