package dev.vnet.security;

/** A token was not accepted. The message says why and never contains the token. */
public final class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
