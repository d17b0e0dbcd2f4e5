package dev.vnet.bench;

/**
 * The bench was asked for something it cannot do (a taken port, an unreachable database, options that do not go
 * together): reported as one line that says what to do, exit code 2, no stack trace.
 */
final class UsageError extends RuntimeException {

    UsageError(String message) {
        super(message);
    }
}
