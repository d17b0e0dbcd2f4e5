package dev.vnet.server;

import dev.vnet.security.ServerTls;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Security of a vnet server's gRPC port (the coordinator's and the agent's), under {@code vnet.security}
 * (environment: {@code VNET_SECURITY_*}). docs/SECURITY.md explains it; docs/CONFIGURATION.md lists every key.
 */
@ConfigMapping(prefix = "vnet.security")
public interface SecurityConfig {

    /** Whether every call must carry an accepted bearer token. Off by default (local development); on in prod. */
    @WithDefault("false")
    boolean enabled();

    /** Static tokens, by name (the name is who the caller is in logs). */
    Map<String, Token> tokens();

    /** JWT bearer tokens from an identity provider. */
    Jwt jwt();

    /** TLS on the gRPC port. */
    Tls tls();

    interface Token {
        /** The token itself: a long random secret, best set from the environment or a mounted secret. */
        Optional<String> secret();

        /** Or the hex SHA-256 digest of the token, so that the configuration does not hold the secret. */
        Optional<String> sha256();

        /** What its holder may do: permission names (e.g. {@code container:get}), or {@code *} for everything. */
        List<String> permissions();

        /**
         * The agent ids its holder may serve (register as, stand by for, replace): exact ids, prefix globs such as
         * {@code shop-*}, or {@code *}. Required with {@code agent:register}; {@code *} permissions without it
         * grant everything but {@code agent:register}.
         */
        Optional<List<String>> agentIds();

        /**
         * The container kinds its container permissions reach (get, request, ha:create); all when unset. See
         * {@code labels} for tenants.
         */
        Optional<List<String>> kinds();

        /**
         * Labels (e.g. {@code tenant=acme}) that every container its container permissions reach must carry; the
         * containers it creates must be given them. None when unset.
         */
        Optional<List<String>> labels();
    }

    interface Jwt {
        /** PEM public key (RSA or EC) the JWTs' signatures are checked against; JWTs are refused when unset. */
        Optional<Path> publicKeyFile();

        /** Required {@code iss}, when set. */
        Optional<String> issuer();

        /** Required {@code aud}, when set. */
        Optional<String> audience();

        /** The claim listing the caller's permissions (a list, or a space-separated string like {@code scope}). */
        @WithDefault("permissions")
        String permissionsClaim();
    }

    interface Tls {
        /** PEM certificate chain of this server; TLS is on when it is set. */
        Optional<Path> certificateFile();

        /** PEM (PKCS#8) private key of that certificate. */
        Optional<Path> privateKeyFile();

        /** PEM CA certificate(s) that sign client certificates, for mutual TLS. */
        Optional<Path> clientCaFile();

        /** Whether clients must show a certificate: none, optional or require. */
        @WithDefault("none")
        ServerTls.ClientCertificates clientCertificates();
    }
}
