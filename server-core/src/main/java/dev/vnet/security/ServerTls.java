package dev.vnet.security;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS for a vnet server (the coordinator's or an agent's gRPC port), from PEM files: its certificate chain, its
 * private key (PKCS#8), and, for mutual TLS, the CA that signs client certificates.
 *
 * @param clientCa null unless client certificates are asked for
 */
public record ServerTls(Path certificateChain, Path privateKey, Path clientCa, ClientCertificates clientCertificates) {

    /** Whether clients must show a certificate signed by {@code clientCa}. */
    public enum ClientCertificates {
        /** Not asked for. */
        NONE,
        /** Checked when shown; a client without one is let in (its token still counts). */
        OPTIONAL,
        /** Mutual TLS: a client without a valid certificate cannot connect. */
        REQUIRE
    }

    public ServerTls {
        ConfiguredFiles.requireReadable(certificateChain, "vnet.security.tls.certificate-file");
        ConfiguredFiles.requireReadable(privateKey, "vnet.security.tls.private-key-file");
        if (clientCertificates != ClientCertificates.NONE && clientCa == null) {
            throw new IllegalArgumentException("client certificates are " + clientCertificates
                    + " but no CA is configured to check them: set vnet.security.tls.client-ca-file");
        }
        if (clientCa != null) {
            ConfiguredFiles.requireReadable(clientCa, "vnet.security.tls.client-ca-file");
        }
    }

    /** The Netty TLS context a server builder takes. */
    public SslContext sslContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forServer(certificateChain.toFile(), privateKey.toFile());
            if (clientCa != null) {
                builder.trustManager(clientCa.toFile());
            }
            builder.clientAuth(switch (clientCertificates) {
                case NONE -> ClientAuth.NONE;
                case OPTIONAL -> ClientAuth.OPTIONAL;
                case REQUIRE -> ClientAuth.REQUIRE;
            });
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + certificateChain + " and " + privateKey
                    + " (PEM certificate chain and PKCS#8 private key expected): " + e.getMessage(), e);
        }
    }
}
