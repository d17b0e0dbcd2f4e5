package dev.vnet.network.registry;

import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.ReleaseResponse;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Client sessions and the references they hold: a container is held while a session references it, and all of a
 * session's references go when the session ends (closed, or silent past its timeout).
 */
final class Sessions {

    private static final System.Logger LOG = System.getLogger(Sessions.class.getName());

    private final RegistryState state;
    private final IdleTimeouts idle;

    Sessions(RegistryState state, IdleTimeouts idle) {
        this.state = state;
        this.idle = idle;
    }

    SessionRecord open(String clientName, String owner, SessionLink link, long timeoutMs) {
        SessionRecord session = new SessionRecord(UUID.randomUUID().toString(), clientName, link, timeoutMs,
                state.now());
        state.sessions.put(session.id, session);
        state.sessionOwners.opened(session.id, owner);
        return session;
    }

    SessionLink link(String sessionId) {
        SessionRecord session = state.sessions.get(sessionId);
        return session == null ? null : session.link;
    }

    long touch(String sessionId) {
        SessionRecord session = state.sessions.get(sessionId);
        if (session == null) {
            return -1;
        }
        session.lastSeenMs = state.now();
        return session.expiresAtMs();
    }

    /** Ends a session; returns the references it released, or -1 when there was no such session. */
    int close(String sessionId, String reason) {
        SessionRecord session = state.sessions.remove(sessionId);
        if (session == null) {
            return -1;
        }
        state.sessionOwners.ended(sessionId);
        for (String uuid : session.containers) {
            ContainerRecord container = state.containers.get(uuid);
            if (container != null && container.removeSession(sessionId) && container.unreferenced()) {
                idle.start(container);
            }
        }
        LOG.log(Level.DEBUG, () -> "session " + sessionId + " (" + session.clientName + ") ended: " + reason
                + "; released " + session.containers.size());
        return session.containers.size();
    }

    /** The session {@code sessionId} (its lease renewed), or null for an empty id; NOT_FOUND when it does not exist. */
    SessionRecord touched(String sessionId) {
        if (sessionId.isEmpty()) {
            return null;
        }
        SessionRecord session = require(sessionId);
        session.lastSeenMs = state.now();
        return session;
    }

    SessionRecord require(String sessionId) {
        SessionRecord session = state.sessions.get(sessionId);
        if (session == null) {
            throw noSuchSession(sessionId);
        }
        return session;
    }

    /** The refusal for a session that does not exist, or that the caller did not open: the two look alike. */
    static RegistryException noSuchSession(String sessionId) {
        return new RegistryException(Failure.NOT_FOUND, "session " + sessionId
                + " does not exist or has ended (sessions end after their lease or alive timeout without a "
                + "sign of life, and when the leader changes); open a new one and get its containers again");
    }

    /** A session may take one more reference, or already holds {@code uuid}. */
    void requireRoom(SessionRecord session, String uuid) {
        int max = state.settings.limits().maxContainersPerSession();
        if (session == null || max == 0 || session.containers.size() < max
                || (uuid != null && session.containers.contains(uuid))) {
            return;
        }
        throw new RegistryException(Failure.RESOURCE_EXHAUSTED, "session " + session.id + " holds " + max
                + " containers, the limit (vnet.network.limits.max-containers-per-session): release some first");
    }

    /** {@code session} (if any) holds {@code container} from now on. */
    void reference(ContainerRecord container, SessionRecord session) {
        if (session != null && container.addSession(session.id)) {
            container.idleToken++;
            session.containers.add(container.uuid);
        }
    }

    /** Drops a session's reference: the references left and, when none are, when the container will stop. */
    ReleaseResponse release(String sessionId, String uuid) {
        SessionRecord session = require(sessionId);
        session.lastSeenMs = state.now();
        session.containers.remove(uuid);
        ContainerRecord container = state.containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist (any more)");
        }
        long stopsAtMs = container.removeSession(sessionId) && container.unreferenced() ? idle.start(container) : 0;
        ReleaseResponse.Builder left = ReleaseResponse.newBuilder().setReferences(container.sessionCount());
        if (stopsAtMs > 0) {
            left.setIdleTimeoutMs(state.settings.idleTimeoutMs(container.kind)).setStopsAtMs(stopsAtMs);
        }
        return left.build();
    }

    /** Tells the sessions that hold {@code container}, on their streams, what happened to it. */
    void notifyHolders(ContainerRecord container, Event event) {
        for (String sessionId : container.sessions()) {
            SessionRecord session = state.sessions.get(sessionId);
            if (session != null && session.link != null) {
                session.link.notify(event);
            }
        }
    }

    /** {@code container} is gone: the sessions that held it hold it no more. */
    void forget(ContainerRecord container) {
        for (String sessionId : container.sessions()) {
            SessionRecord session = state.sessions.get(sessionId);
            if (session != null) {
                session.containers.remove(container.uuid);
            }
        }
    }

    /** Ends the sessions that have been silent past their timeout, and closes their streams. */
    void expire(long now) {
        List<SessionRecord> expired = new ArrayList<>();
        for (SessionRecord session : state.sessions.values()) {
            if (now > session.expiresAtMs()) {
                expired.add(session);
            }
        }
        for (SessionRecord session : expired) {
            String reason = "no sign of life for " + (now - session.lastSeenMs) + " ms";
            close(session.id, reason);
            if (session.link != null) {
                session.link.close("session ended: " + reason);
            }
        }
    }
}
