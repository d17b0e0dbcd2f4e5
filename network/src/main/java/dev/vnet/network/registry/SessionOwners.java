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

    void opened(String sessionId, String owner) {
        owners.put(sessionId, owner);
    }

    void ended(String sessionId) {
        owners.remove(sessionId);
    }

    void clear() {
        owners.clear();
    }

    /** Whether {@code sessionId} is open and was opened by {@code owner}. */
    public boolean owns(String owner, String sessionId) {
        return owner.equals(owners.get(sessionId));
    }

    /** Open sessions of {@code owner} now. */
    public int count(String owner) {
        int count = 0;
        for (String held : owners.values()) {
            if (held.equals(owner)) {
                count++;
            }
        }
        return count;
    }
}
