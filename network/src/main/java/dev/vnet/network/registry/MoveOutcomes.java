package dev.vnet.network.registry;

/** What a move tells the registry's container lifecycle when it ends: the only way moves reach back. */
interface MoveOutcomes {

    /** A move activated {@code container} on {@code target}: it runs and is routed there now. */
    void activated(ContainerRecord container, AgentRecord target, long epoch, String reason);

    /** A move found that {@code container} cannot live on: it is removed. */
    void removed(ContainerRecord container, String reason);
}
