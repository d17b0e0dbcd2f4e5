package dev.vnet.network.grpc;

import dev.vnet.network.access.Failures;
import dev.vnet.network.registry.Failure;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryException;
import dev.vnet.network.registry.SessionOwners;
import dev.vnet.proto.v1.Error;
import dev.vnet.security.Principal;

/**
 * A session belongs to the principal that opened it: every call that names a session by id is checked here. A
 * caller that names another principal's session is answered exactly as if the session did not exist, so that
 * nothing about foreign sessions leaks, not even that they exist.
 */
final class SessionAccess {

    static final String MAX_SESSIONS = "vnet.network.limits.max-sessions-per-principal";

    private final SessionOwners owners;
    private final int maxSessions;

    /** @param maxSessions most sessions one principal has open at once; 0 for no limit */
    SessionAccess(SessionOwners owners, int maxSessions) {
        this.owners = owners;
        this.maxSessions = maxSessions;
    }

    /** On the registry's thread, before opening a session: refuses one past the principal's limit. */
    void requireRoom(String owner) {
        int open = owners.count(owner);
        if (maxSessions > 0 && open >= maxSessions) {
            throw new RegistryException(Failure.RESOURCE_EXHAUSTED, owner + " has " + open + " sessions open, the "
                    + "limit (" + MAX_SESSIONS + "): close some first");
        }
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
