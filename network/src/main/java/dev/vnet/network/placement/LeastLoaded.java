package dev.vnet.network.placement;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Among active agents that support the kind and have room for what it asks, the one with the fewest containers;
 * ties go round-robin, so a burst of creates spreads evenly even before the first heartbeat reports any load.
 * Counting containers (including those still starting) rather than waiting for reported CPU is what makes
 * concurrent placements spread.
 */
public final class LeastLoaded implements Placement {

    private long turn;

    @Override
    public <A extends AgentView> A choose(Collection<A> agents, String kind, Resources need) {
        return leastLoaded(candidates(agents, kind, need, Set.of(), null));
    }

    @Override
    public <A extends AgentView> A chooseTarget(Collection<A> agents, String kind, Resources need,
            List<String> clusters, Set<String> exclude) {
        for (String cluster : clusters) {
            if (!cluster.isEmpty()) {
                A inCluster = leastLoaded(candidates(agents, kind, need, exclude, cluster));
                if (inCluster != null) {
                    return inCluster;
                }
            }
        }
        return leastLoaded(candidates(agents, kind, need, exclude, null));
    }

    @Override
    public String whyNone(Collection<? extends AgentView> agents, String kind, Resources need, Set<String> exclude) {
        List<String> reasons = new ArrayList<>();
        for (AgentView agent : agents) {
            if (exclude.contains(agent.agentId())) {
                continue;
            }
            if (!agent.supports(kind)) {
                reasons.add(agent.agentId() + " does not offer kind '" + kind + "'");
            } else if (agent.state() != AgentState.AGENT_STATE_ACTIVE) {
                reasons.add(agent.agentId() + " is " + agent.state().name().substring("AGENT_STATE_".length())
                        .toLowerCase());
            } else {
                reasons.add(agent.agentId() + " has no room (" + agent.containerCount() + " containers; needs cpu "
                        + need.getCpu() + ", memory " + need.getMemoryBytes() + " bytes)");
            }
        }
        return "no active agent with room for a '" + kind + "' container"
                + (reasons.isEmpty() ? " is connected" : ": " + String.join("; ", reasons));
    }

    private static <A extends AgentView> List<A> candidates(Collection<A> agents, String kind, Resources need,
            Set<String> exclude, String cluster) {
        List<A> fit = new ArrayList<>();
        for (A agent : agents) {
            if (agent.state() == AgentState.AGENT_STATE_ACTIVE && agent.supports(kind) && agent.hasRoomFor(need)
                    && !exclude.contains(agent.agentId()) && (cluster == null || cluster.equals(agent.cluster()))) {
                fit.add(agent);
            }
        }
        return fit;
    }

    private <A extends AgentView> A leastLoaded(List<A> candidates) {
        List<A> least = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        for (A agent : candidates) {
            int count = agent.containerCount();
            if (count < fewest) {
                fewest = count;
                least.clear();
            }
            if (count == fewest) {
                least.add(agent);
            }
        }
        if (least.isEmpty()) {
            return null;
        }
        least.sort(Comparator.comparing(AgentView::agentId));
        return least.get((int) Math.floorMod(turn++, (long) least.size()));
    }
}
