package dev.vnet.network.registry;

import dev.vnet.proto.v1.Capacity;
import java.util.List;

/** An agent's row in the store (table {@code agents}). */
public record StoredAgent(String agentId, String instanceId, String endpoint, String cluster, List<String> labels,
        List<String> kinds, Capacity capacity, long firstSeenMs, long lastSeenMs) {

    public StoredAgent {
        labels = List.copyOf(labels);
        kinds = List.copyOf(kinds);
    }
}
