package dev.vnet.security;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS for a vnet client or agent, from PEM files: the CA that signed the servers' certificates (the system's trust
 * store when null) and, for mutual TLS, this side's certificate chain and PKCS#8 private key.
 */
public record ClientTls(Path ca, Path certificateChain, Path privateKey) {

    public ClientTls {
        if ((certificateChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("a client certificate needs both its chain and its private key");
        }
        if (ca != null) {
            ConfiguredFiles.requireReadable(ca, "the CA file");
        }
        if (certificateChain != null) {
            ConfiguredFiles.requireReadable(certificateChain, "the client certificate file");
            ConfiguredFiles.requireReadable(privateKey, "the client private key file");
        }
    }

    /** Server authentication only, trusting {@code ca} (null: the system's trust store). */
    public static ClientTls trusting(Path ca) {
        return new ClientTls(ca, null, null);
    }

    /** This TLS, presenting a client certificate (mutual TLS). */
    public ClientTls withCertificate(Path chain, Path key) {
        return new ClientTls(ca, chain, key);
    }

    public SslContext sslContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            if (ca != null) {
                builder.trustManager(ca.toFile());
            }
            if (certificateChain != null) {
                builder.keyManager(certificateChain.toFile(), privateKey.toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS (CA " + ca + ", certificate " + certificateChain
                    + "): " + e.getMessage(), e);
        }
    }
}
