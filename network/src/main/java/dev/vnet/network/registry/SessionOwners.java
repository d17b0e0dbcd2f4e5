package dev.vnet.network.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who opened each open session: a session id is no bearer capability, only its owner may use it. The registry
 * keeps it (a session is added when opened and removed when it ends, however it ends); the gRPC shell reads it
 * from any thread, so that calls naming a session are checked without a trip through the registry's thread.
 */
public final class SessionOwners {

    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    void opened(String sessionId, String owner) {
        owners.put(sessionId, owner);
        counts.merge(owner, 1, Integer::sum);
    }

    void ended(String sessionId) {
        String owner = owners.remove(sessionId);
        if (owner != null) {
            counts.computeIfPresent(owner, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    void clear() {
        owners.clear();
        counts.clear();
    }

    /** Whether {@code sessionId} is open and was opened by {@code owner}. */
    public boolean owns(String owner, String sessionId) {
        return owner.equals(owners.get(sessionId));
    }

    /** Open sessions of {@code owner} now. */
    public int count(String owner) {
        return counts.getOrDefault(owner, 0);
    }
}
