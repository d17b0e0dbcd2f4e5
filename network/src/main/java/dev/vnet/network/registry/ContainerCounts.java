package dev.vnet.network.registry;

import dev.vnet.network.registry.RegistryStats.ContainerGroup;
import dev.vnet.proto.v1.ContainerState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What the metrics report about containers, kept as the registry changes rather than counted when asked: a pass
 * over 100 000 containers takes the registry thread about 20 ms, and metrics asked every 2 s. A container is
 * counted while it is indexed; {@link ContainerRecord} reports each change of a counted field. Registry thread only.
 */
final class ContainerCounts {

    private final Map<ContainerGroup, Integer> groups = new HashMap<>();
    private final int[] states = new int[ContainerState.values().length];
    private int references;

    void add(ContainerRecord container) {
        groups.merge(groupOf(container), 1, Integer::sum);
        states[container.state.ordinal()]++;
        references += container.sessionCount();
    }

    void remove(ContainerRecord container) {
        groups.computeIfPresent(groupOf(container), (group, count) -> count == 1 ? null : count - 1);
        states[container.state.ordinal()]--;
        references -= container.sessionCount();
    }

    void referenceAdded() {
        references++;
    }

    void referenceRemoved() {
        references--;
    }

    /** Containers by kind, type and agent: a copy. */
    Map<ContainerGroup, Integer> groups() {
        return Map.copyOf(groups);
    }

    /** Containers by state, the states with none left out: a copy. */
    Map<ContainerState, Integer> byState() {
        Map<ContainerState, Integer> byState = new EnumMap<>(ContainerState.class);
        for (ContainerState state : ContainerState.values()) {
            if (states[state.ordinal()] > 0) {
                byState.put(state, states[state.ordinal()]);
            }
        }
        return byState;
    }

    int references() {
        return references;
    }

    private static ContainerGroup groupOf(ContainerRecord container) {
        return new ContainerGroup(container.kind, container.type, container.agentId);
    }
}
