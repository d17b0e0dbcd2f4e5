package dev.vnet.security;

/**
 * Chooses how to check a bearer token: JWTs (three dot-separated parts) go to the JWT verifier, anything else to
 * the static tokens. Either may be absent.
 */
public final class BearerTokens implements Authenticator {

    private final StaticTokens tokens;
    private final JwtAuthenticator jwt;

    public BearerTokens(StaticTokens tokens, JwtAuthenticator jwt) {
        if ((tokens == null || tokens.size() == 0) && jwt == null) {
            throw new IllegalArgumentException("authentication is on, but no token and no JWT public key is "
                    + "configured: nobody could call. Configure vnet.security.tokens.* or "
                    + "vnet.security.jwt.public-key-file, or turn authentication off (vnet.security.enabled=false) "
                    + "for local development only");
        }
        this.tokens = tokens;
        this.jwt = jwt;
    }

    @Override
    public Principal authenticate(String token) throws AuthenticationException {
        boolean looksLikeJwt = token.chars().filter(c -> c == '.').count() == 2;
        if (looksLikeJwt && jwt != null) {
            return jwt.authenticate(token);
        }
        if (tokens != null && tokens.size() > 0) {
            return tokens.authenticate(token);
        }
        throw new AuthenticationException("only JWTs are accepted here, and this token is not one");
    }
}
