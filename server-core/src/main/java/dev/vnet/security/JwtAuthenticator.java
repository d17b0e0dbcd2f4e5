package dev.vnet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Bearer tokens that are JWTs signed by an identity provider, verified against its public key (RSA or EC, PEM).
 * The subject names the caller; the permissions come from a claim holding a list of permission names or a
 * space-separated string (as an OAuth {@code scope} does). Expiry is required; issuer and audience are checked when
 * configured.
 */
public final class JwtAuthenticator implements Authenticator {

    private static final long CLOCK_SKEW_SECONDS = 30;
    /** A verified token is trusted this long (or until it expires) without checking its signature again. */
    private static final long CACHE_MILLIS = 60_000;
    private static final int CACHE_SIZE = 10_000;
    /** The claim listing the agent ids a JWT with {@code agent:register} may serve. */
    public static final String AGENT_IDS_CLAIM = "vnet_agent_ids";
    /** The claim listing the container kinds a JWT's container permissions reach (any when absent). */
    public static final String KINDS_CLAIM = "vnet_kinds";
    /** The claim listing labels every container a JWT's container permissions reach carries. */
    public static final String LABELS_CLAIM = "vnet_labels";

    private final JwtConsumer consumer;
    private final String permissionsClaim;
    /** Unary calls carry the token every time; a signature check costs tens of microseconds, a lookup much less. */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(Principal principal, long validUntilMs) {}

    public JwtAuthenticator(PublicKey key, String issuer, String audience, String permissionsClaim) {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
                        AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384)
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) CLOCK_SKEW_SECONDS);
        if (issuer != null && !issuer.isEmpty()) {
            builder.setExpectedIssuer(issuer);
        }
        if (audience != null && !audience.isEmpty()) {
            builder.setExpectedAudience(audience);
        } else {
            builder.setSkipDefaultAudienceValidation();
        }
        this.consumer = builder.build();
        this.permissionsClaim = permissionsClaim;
    }

    /** Reads a PEM public key ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC). */
    public static PublicKey readPublicKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the JWT public key " + pem + ": " + e.getMessage(), e);
        }
        if (!text.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException(pem + " is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(pem + " holds neither an RSA nor an EC public key");
    }

    @Override
    public Principal authenticate(String token) throws AuthenticationException {
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null && now < known.validUntilMs()) {
            return known.principal();
        }
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException invalid) {
            throw new AuthenticationException(reason(invalid));
        }
        try {
            Principal principal = Principal.of(claims.getSubject(), permissionNames(claims.getClaimValue(permissionsClaim)),
                    list(claims.getClaimValue(AGENT_IDS_CLAIM)), "the JWT claim " + AGENT_IDS_CLAIM)
                    .scopedTo(ContainerScope.parse(list(claims.getClaimValue(KINDS_CLAIM)),
                            list(claims.getClaimValue(LABELS_CLAIM))));
            if (verified.size() >= CACHE_SIZE) {
                verified.clear();
            }
            long expiresMs = claims.getExpirationTime().getValueInMillis();
            verified.put(token, new Verified(principal, Math.min(now + CACHE_MILLIS, expiresMs)));
            return principal;
        } catch (MalformedClaimException e) {
            throw new AuthenticationException("the JWT's claims are malformed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("the JWT's claims are refused: " + e.getMessage());
        }
    }

    /** A list, or one string of items separated by commas or spaces. */
    private static List<String> list(Object claim) {
        if (claim == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(item -> ids.add(String.valueOf(item)));
        } else {
            ids.addAll(List.of(String.valueOf(claim).split("[, ]")));
        }
        return ids;
    }

    private static List<String> permissionNames(Object claim) {
        if (claim == null) {
            return List.of();
        }
        Collection<String> names = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(item -> names.add(String.valueOf(item)));
        } else {
            names.addAll(List.of(String.valueOf(claim).split(" ")));
        }
        // Scopes meant for other services may share the claim: keep ours, ignore the rest.
        return names.stream().filter(name -> name.equals(Permission.ALL) || known(name)).toList();
    }

    private static boolean known(String name) {
        for (Permission permission : Permission.values()) {
            if (permission.id().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Why a JWT was refused, in words that never repeat the token or its claims. */
    private static String reason(InvalidJwtException invalid) {
        if (invalid.hasExpired()) {
            return "the JWT has expired";
        }
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "the JWT's signature does not verify against the configured public key";
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "the JWT's issuer is not the configured one";
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "the JWT is not meant for this audience";
        }
        if (invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "the JWT has no expiry (exp)";
        }
        if (invalid.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return "the JWT has no subject (sub)";
        }
        if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "the JWT is not valid yet (nbf)";
        }
        return "the token is not a valid JWT for this network";
    }
}
