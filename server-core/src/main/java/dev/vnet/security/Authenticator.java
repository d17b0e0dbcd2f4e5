package dev.vnet.security;

/** Turns a bearer token into the principal it stands for. Implementations are thread-safe and never block long. */
public interface Authenticator {

    /**
     * @return who {@code token} belongs to
     * @throws AuthenticationException when the token is not accepted; its message says why, without the token
     */
    Principal authenticate(String token) throws AuthenticationException;
}
