package dev.vnet.server;

import java.util.Locale;
import java.util.Optional;

/**
 * Refuses the placeholder secrets that deploy/kubernetes/secret ships ({@code change-me...}): a process started with
 * one would accept a token that everyone who read the repository knows.
 */
public final class PlaceholderSecrets {

    private static final String PLACEHOLDER = "change-me";

    private PlaceholderSecrets() {}

    /**
     * @param key the setting that holds {@code value}, named in the refusal
     * @throws IllegalStateException when {@code value} is a placeholder
     */
    public static void refuse(String key, String value) {
        if (value != null && value.strip().toLowerCase(Locale.ROOT).startsWith(PLACEHOLDER)) {
            throw new IllegalStateException(key + " is still the placeholder '" + PLACEHOLDER + "...' from "
                    + "deploy/kubernetes/secret: set a secret of your own (for example: openssl rand -hex 32)");
        }
    }

    public static void refuse(String key, Optional<String> value) {
        value.ifPresent(secret -> refuse(key, secret));
    }
}
