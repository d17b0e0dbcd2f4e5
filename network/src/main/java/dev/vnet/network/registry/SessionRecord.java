package dev.vnet.network.registry;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A client session: the references it holds, and when it was last heard from. A session with a link is a
 * {@code Session} stream kept alive by pings; one without is a unary session kept alive by its lease.
 */
public final class SessionRecord {

    final String id;
    final String clientName;
    final SessionLink link;
    final long timeoutMs;
    long lastSeenMs;
    final Set<String> containers = new LinkedHashSet<>();

    SessionRecord(String id, String clientName, SessionLink link, long timeoutMs, long nowMs) {
        this.id = id;
        this.clientName = clientName;
        this.link = link;
        this.timeoutMs = timeoutMs;
        this.lastSeenMs = nowMs;
    }

    public String id() {
        return id;
    }

    public long expiresAtMs() {
        return lastSeenMs + timeoutMs;
    }
}
