package dev.vnet.security;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tickets: the proof a direct call to an agent carries that the session it names belongs to its caller.
 *
 * <p>The network keeps one random key in its store, so every coordinator replica has it. From it each agent id gets
 * a key of its own ({@link #agentKey}), handed to every instance of that id in its registration acknowledgement. A
 * ticket is HMAC-SHA256, under the key of the agent that runs the container, over the session id and the name of
 * the principal that owns it ({@link #issue}); the network issues one with every get answer that names a session.
 * The agent recomputes it for the session a direct call names and the principal that makes the call: only the
 * session's owner holds a ticket that matches, and a ticket is worth nothing at another agent id, so an agent
 * (or container code in it) that leaks its key exposes only calls to itself. One class serves both sides so that
 * they cannot disagree on the format.
 */
public final class SessionTickets {

    /** Bytes of a network key, an agent key and a ticket. */
    public static final int BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final String AGENT_KEY_PURPOSE = "vnet.v1 session-ticket agent key";
    private static final String TICKET_PURPOSE = "vnet.v1 session ticket";

    private SessionTickets() {
    }

    /** The key agent {@code agentId} checks tickets with; the same for every instance and leader. */
    public static byte[] agentKey(byte[] networkKey, String agentId) {
        return mac(networkKey, AGENT_KEY_PURPOSE, agentId);
    }

    /** The ticket that proves session {@code sessionId} is {@code principal}'s at the agent of {@code agentKey}. */
    public static byte[] issue(byte[] agentKey, String sessionId, String principal) {
        return mac(agentKey, TICKET_PURPOSE, sessionId, principal);
    }

    /** Whether {@code ticket} proves that {@code sessionId} is {@code principal}'s at the agent of {@code agentKey}. */
    public static boolean proves(byte[] agentKey, ByteString ticket, String sessionId, String principal) {
        if (ticket.size() != BYTES) {
            return false;
        }
        return MessageDigest.isEqual(issue(agentKey, sessionId, principal), ticket.toByteArray());
    }

    /** HMAC-SHA256 over the purpose and each field, every one preceded by its length, so no two inputs collide. */
    private static byte[] mac(byte[] key, String purpose, String... fields) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            update(mac, purpose);
            for (String field : fields) {
                update(mac, field);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime, but failed here", e);
        }
    }

    private static void update(Mac mac, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        mac.update(bytes);
    }
}
