package dev.vnet.network.placement;

import dev.vnet.proto.v1.Resources;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How the network chooses an agent for a container: a strategy over a read-only view of the agents, so that the
 * registry owns the agents and the strategy only reads them. {@link LeastLoaded} is the one the network uses.
 */
public interface Placement {

    /** An agent for a new container, or null when none fits. */
    <A extends AgentView> A choose(Collection<A> agents, String kind, Resources need);

    /**
     * An agent to move a container to: the same rules, but the first cluster in {@code clusters} that has a fitting
     * agent wins (the container's preferred cluster, then its current one), and failing those any cluster.
     *
     * @param exclude agents that must not be chosen (the one the container leaves, those that already failed)
     * @return the target, or null when no agent fits anywhere
     */
    <A extends AgentView> A chooseTarget(Collection<A> agents, String kind, Resources need, List<String> clusters,
            Set<String> exclude);

    /** Why no agent fits, for an error message an operator can act on. */
    String whyNone(Collection<? extends AgentView> agents, String kind, Resources need, Set<String> exclude);
}
