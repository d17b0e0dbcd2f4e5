package dev.vnet.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Tokens named in configuration, each with its permissions. Only SHA-256 digests of the tokens are kept, so the
 * secrets themselves do not linger in memory, and the configuration may give the digest instead of the token.
 * Lookups compare digests, so the time taken says nothing about how much of a token was right.
 */
public final class StaticTokens implements Authenticator {

    private final Map<String, Principal> byDigest = new HashMap<>();

    /** Adds a token given in clear. */
    public StaticTokens add(String name, String token, Iterable<Permission> permissions) {
        return add(token, new Principal(name, granted(permissions)));
    }

    /** Adds a token given in clear, standing for {@code principal}. */
    public StaticTokens add(String token, Principal principal) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("token '" + principal.name() + "' is shorter than 16 characters: use a "
                    + "long random secret, e.g. `openssl rand -hex 32`");
        }
        return addDigest(sha256(token), principal);
    }

    /** Adds a token by the hex SHA-256 digest of its text ({@code printf %s TOKEN | sha256sum}). */
    public StaticTokens addDigest(String name, String hexDigest, Iterable<Permission> permissions) {
        return addDigest(hexDigest, new Principal(name, granted(permissions)));
    }

    /** Adds a token by the hex SHA-256 digest of its text, standing for {@code principal}. */
    public StaticTokens addDigest(String hexDigest, Principal principal) {
        String digest = hexDigest.trim().toLowerCase(Locale.ROOT);
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("token '" + principal.name() + "': sha256 must be 64 hex digits");
        }
        Principal previous = byDigest.put(digest, principal);
        if (previous != null) {
            throw new IllegalArgumentException("tokens '" + previous.name() + "' and '" + principal.name()
                    + "' are the same");
        }
        return this;
    }

    private static EnumSet<Permission> granted(Iterable<Permission> permissions) {
        EnumSet<Permission> granted = EnumSet.noneOf(Permission.class);
        permissions.forEach(granted::add);
        return granted;
    }

    public int size() {
        return byDigest.size();
    }

    @Override
    public Principal authenticate(String token) throws AuthenticationException {
        Principal principal = byDigest.get(sha256(token));
        if (principal == null) {
            throw new AuthenticationException("unknown token");
        }
        return principal;
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
