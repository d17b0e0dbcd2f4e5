package dev.vnet.network.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agent streams that are open now, so that one sweeper can enforce the deadlines of all routed calls. */
final class AgentStreams {

    private final Set<AgentStream> open = ConcurrentHashMap.newKeySet();

    void add(AgentStream stream) {
        open.add(stream);
    }

    void remove(AgentStream stream) {
        open.remove(stream);
    }

    void sweep(long nowNanos) {
        for (AgentStream stream : open) {
            stream.sweep(nowNanos);
        }
    }

    int size() {
        return open.size();
    }

    /** Routed calls waiting for an agent's answer, over all agents. */
    int inFlight() {
        int total = 0;
        for (AgentStream stream : open) {
            total += stream.inFlight();
        }
        return total;
    }
}
