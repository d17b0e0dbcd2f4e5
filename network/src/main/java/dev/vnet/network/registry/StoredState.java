package dev.vnet.network.registry;

import java.util.List;

/**
 * What the store held when this coordinator took over: the registry starts from it.
 *
 * @param leaderEpoch the epoch this coordinator leads with (already taken in the store)
 * @param agents every agent the store knows
 * @param containers every container the store knows
 */
public record StoredState(long leaderEpoch, List<StoredAgent> agents, List<StoredContainer> containers) {

    public StoredState {
        agents = List.copyOf(agents);
        containers = List.copyOf(containers);
    }

    /** A store that is empty: a network's very first start. */
    public static StoredState empty(long leaderEpoch) {
        return new StoredState(leaderEpoch, List.of(), List.of());
    }
}
