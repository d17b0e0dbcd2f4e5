package dev.vnet.network.registry;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of what the registry holds at one moment, taken on its thread, for metrics. Sizes only: no uuids.
 *
 * @param heartbeatLagMs per agent, how long ago its last heartbeat came
 */
public record RegistryStats(Map<AgentState, Integer> agentsByState, int standbyInstances,
        Map<ContainerGroup, Integer> containers, Map<ContainerState, Integer> containersByState, int references,
        int sessions, Map<String, Long> heartbeatLagMs) {

    /** Containers of one kind and type on one agent (empty agent: not placed). */
    public record ContainerGroup(String kind, ContainerType type, String agentId) {}

    static RegistryStats of(Iterable<AgentRecord> agents, ContainerCounts containers, int sessions, long nowMs) {
        Map<AgentState, Integer> agentsByState = new EnumMap<>(AgentState.class);
        Map<String, Long> lag = new HashMap<>();
        int standbys = 0;
        for (AgentRecord agent : agents) {
            agentsByState.merge(agent.state, 1, Integer::sum);
            standbys += agent.standbys.size();
            lag.put(agent.agentId, Math.max(0, nowMs - agent.lastHeartbeatMs));
        }
        return new RegistryStats(agentsByState, standbys, containers.groups(), containers.byState(),
                containers.references(), sessions, lag);
    }

    /** For a coordinator that does not lead: it holds nothing. */
    public static final RegistryStats EMPTY = of(List.of(), new ContainerCounts(), 0, 0);
}
