package dev.vnet.network.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Agents whose stream dropped, with when the grace for their standard containers ends. Those containers wait
 * RECOVERING, with their references, for the agent to re-register them; whatever is still waiting at the end of
 * the grace is removed.
 */
final class BlipGraces {

    private final Map<String, Long> endsAtMs = new HashMap<>();

    /** The agent's stream dropped: its grace runs until {@code endsAtMs} (a later drop moves it). */
    void start(String agentId, long endsAtMs) {
        this.endsAtMs.put(agentId, endsAtMs);
    }

    /** Whether the agent's grace is running. */
    boolean running(String agentId) {
        return endsAtMs.containsKey(agentId);
    }

    /** The agents whose grace ended by {@code nowMs}; they are forgotten here. */
    List<String> ended(long nowMs) {
        List<String> ended = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> it = endsAtMs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> entry = it.next();
            if (nowMs >= entry.getValue()) {
                ended.add(entry.getKey());
                it.remove();
            }
        }
        return ended;
    }
}
