package dev.vnet.network.placement;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Resources;

/** What placement may read of an agent: enough to judge whether it fits, nothing to change it by. */
public interface AgentView {

    String agentId();

    String cluster();

    AgentState state();

    boolean supports(String kind);

    /** Whether the agent can take one more container that needs {@code need}, within its declared capacity. */
    boolean hasRoomFor(Resources need);

    /** Containers placed on the agent, those still starting included. */
    int containerCount();
}
