package dev.vnet.network.registry;

import java.util.List;
import java.util.Set;

/**
 * What the store held when this coordinator took over: the registry starts from it.
 *
 * @param leaderEpoch the epoch this coordinator leads with (already taken in the store)
 * @param agents every agent the store knows
 * @param containers every container the store knows
 * @param goneAgentIds the agents the store marks unhealthy: they had left (or been given up) before the previous
 *     leader stopped, so the recovery does not wait for them
 */
public record StoredState(long leaderEpoch, List<StoredAgent> agents, List<StoredContainer> containers,
        Set<String> goneAgentIds) {

    public StoredState {
        agents = List.copyOf(agents);
        containers = List.copyOf(containers);
        goneAgentIds = Set.copyOf(goneAgentIds);
    }

    /** A state in which every agent the store knows was alive when the previous leader stopped. */
    public StoredState(long leaderEpoch, List<StoredAgent> agents, List<StoredContainer> containers) {
        this(leaderEpoch, agents, containers, Set.of());
    }

    /** A store that is empty: a network's very first start. */
    public static StoredState empty(long leaderEpoch) {
        return new StoredState(leaderEpoch, List.of(), List.of());
    }
}
