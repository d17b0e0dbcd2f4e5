package dev.vnet.network.grpc;

import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.proto.v1.Error;
import dev.vnet.security.Principal;

/**
 * A session belongs to the principal that opened it: every call that names a session by id is checked here. A
 * caller that names another principal's session is answered exactly as if the session did not exist, so that
 * nothing about foreign sessions leaks, not even that they exist.
 */
final class SessionAccess {

    private final SessionOwners owners;

    SessionAccess(SessionOwners owners) {
        this.owners = owners;
    }

    /** The owner a session opened by {@code caller} gets. */
    static String owner(Principal caller) {
        return caller.name();
    }

    /** Whether {@code caller} opened the open session {@code sessionId}. */
    boolean mayUse(Principal caller, String sessionId) {
        return owners.owns(owner(caller), sessionId);
    }

    /** Null when the call may use {@code sessionId} (or names none); else the refusal of a missing session. */
    Error refusal(Principal caller, String sessionId) {
        if (sessionId.isEmpty() || mayUse(caller, sessionId)) {
            return null;
        }
        return Failures.toError(Registry.noSuchSession(sessionId));
    }
}
