package dev.vnet.network.registry;

import dev.vnet.proto.v1.AgentRegister;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Proof that a stream replacing a live agent instance's comes from the same process. The instance id is public
 * (listings show it); the secret the network handed that process in its acknowledgement is not, and only that
 * process holds it. Secrets live in the leader's memory only: after a fail-over no instance is live, so none is
 * needed.
 */
final class InstanceSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceSecrets() {
    }

    /** A new secret: 32 random bytes, hex. */
    static String fresh() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * @param held the live instance's secret
     * @throws RegistryException PERMISSION_DENIED when {@code registration} does not carry it
     */
    static void requireProof(String held, AgentRegister registration, String what) {
        boolean same = MessageDigest.isEqual(held.getBytes(StandardCharsets.US_ASCII),
                registration.getInstanceSecret().getBytes(StandardCharsets.US_ASCII));
        if (!same) {
            throw new RegistryException(Failure.PERMISSION_DENIED, what + " is live on another stream; a stream that "
                    + "replaces it must carry the instance_secret of that instance's registration acknowledgement "
                    + "(the same process reconnecting does): a new process registers with a new instance id");
        }
    }
}
