package dev.vnet.server;

import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.BearerTokens;
import dev.vnet.security.ContainerScope;
import dev.vnet.security.JwtAuthenticator;
import dev.vnet.security.Principal;
import dev.vnet.security.ServerTls;
import dev.vnet.security.StaticTokens;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A server's security as its configuration asks: who may call (the interceptor that checks tokens and
 * permissions) and how (TLS or plaintext). Bad configuration stops the process at start with a message naming the
 * setting to fix: a server that would silently let everyone in, or nobody, is worse than one that does not start.
 *
 * @param tls null for plaintext
 */
public record ServerSecurity(AuthInterceptor auth, ServerTls tls) {

    private static final Logger LOG = Logger.getLogger(ServerSecurity.class);

    /** @param server what is being secured, for the log, e.g. "the network's gRPC port 3737" */
    public static ServerSecurity from(SecurityConfig config, String server) {
        ServerSecurity security = new ServerSecurity(auth(config), tls(config.tls()));
        if (security.auth().isOn()) {
            LOG.infof("authentication is on for %s: %d static tokens%s", server, config.tokens().size(),
                    config.jwt().publicKeyFile().map(key -> ", JWTs verified with " + key).orElse(""));
        } else {
            LOG.warnf("authentication is OFF for %s: anyone who reaches it may do anything. For local development "
                    + "only; set vnet.security.enabled=true and configure tokens (docs/SECURITY.md)", server);
        }
        if (security.tls() != null) {
            LOG.infof("TLS is on for %s (certificate %s; client certificates %s)", server,
                    security.tls().certificateChain(), security.tls().clientCertificates());
        } else {
            LOG.infof("%s is plaintext (no vnet.security.tls.certificate-file)", server);
        }
        return security;
    }

    private static AuthInterceptor auth(SecurityConfig config) {
        if (!config.enabled()) {
            return AuthInterceptor.off();
        }
        StaticTokens tokens = new StaticTokens();
        for (Map.Entry<String, SecurityConfig.Token> entry : config.tokens().entrySet()) {
            String name = entry.getKey();
            SecurityConfig.Token token = entry.getValue();
            String key = "vnet.security.tokens." + name;
            Principal principal = Principal.of(key, token.permissions(), token.agentIds().orElse(List.of()),
                    key + ".agent-ids");
            principal = principal.named(name).scopedTo(ContainerScope.parse(token.kinds().orElse(List.of()),
                    token.labels().orElse(List.of())));
            if (token.secret().isPresent() == token.sha256().isPresent()) {
                throw new IllegalArgumentException("vnet.security.tokens." + name + " needs exactly one of secret "
                        + "and sha256");
            }
            if (token.secret().isPresent()) {
                PlaceholderSecrets.refuse("vnet.security.tokens." + name + ".secret", token.secret().get());
                tokens.add(token.secret().get(), principal);
            } else {
                tokens.addDigest(token.sha256().get(), principal);
            }
        }
        JwtAuthenticator jwt = config.jwt().publicKeyFile()
                .map(file -> new JwtAuthenticator(JwtAuthenticator.readPublicKey(file), config.jwt().issuer().orElse(""),
                        config.jwt().audience().orElse(""), config.jwt().permissionsClaim()))
                .orElse(null);
        return AuthInterceptor.requiring(new BearerTokens(tokens, jwt));
    }

    private static ServerTls tls(SecurityConfig.Tls tls) {
        if (tls.certificateFile().isEmpty()) {
            if (tls.privateKeyFile().isPresent() || tls.clientCaFile().isPresent()) {
                throw new IllegalArgumentException("vnet.security.tls.certificate-file is not set, but other TLS "
                        + "settings are: set it to turn TLS on, or remove the others");
            }
            return null;
        }
        return new ServerTls(tls.certificateFile().get(), tls.privateKeyFile().orElseThrow(() ->
                new IllegalArgumentException("vnet.security.tls.private-key-file is required with a certificate")),
                tls.clientCaFile().orElse(null), tls.clientCertificates());
    }
}
