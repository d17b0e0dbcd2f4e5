package dev.vnet.network.placement;

import dev.vnet.network.registry.AgentRecord;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the agent for a new container: among active agents that support the kind and have room for what it
 * asks, the one with the fewest containers; ties go round-robin, so a burst of creates spreads evenly even before
 * the first heartbeat reports any load. Counting containers (including those still starting) rather than waiting
 * for reported CPU is what makes concurrent placements spread.
 */
public final class Placement {

    private long turn;

    /** @return the chosen agent, or null when none fits */
    public AgentRecord choose(Collection<AgentRecord> agents, String kind, Resources need) {
        List<AgentRecord> least = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        for (AgentRecord agent : agents) {
            if (agent.state() != AgentState.AGENT_STATE_ACTIVE || !agent.supports(kind) || !agent.hasRoomFor(need)) {
                continue;
            }
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
        least.sort(Comparator.comparing(AgentRecord::agentId));
        return least.get((int) Math.floorMod(turn++, (long) least.size()));
    }
}
