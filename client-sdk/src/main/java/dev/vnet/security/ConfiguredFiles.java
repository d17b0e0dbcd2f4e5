package dev.vnet.security;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that files named in configuration can be read before anything is built from them. */
public final class ConfiguredFiles {

    private ConfiguredFiles() {}

    /** @param setting what named the file, for the message */
    public static void requireReadable(Path file, String setting) {
        if (file == null) {
            throw new IllegalArgumentException(setting + " is required for TLS");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(setting + " names " + file + ", which cannot be read");
        }
    }
}
