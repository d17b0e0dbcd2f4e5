package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS round trips with certificates made for the test. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void aClientTrustingTheCaTalksToATlsServer() {
        TestCertificates certs = TestCertificates.createIn(dir);
        Server server = Probe.start(AuthInterceptor.off(), new ServerTls(certs.server().certificate(),
                certs.server().privateKey(), null, ServerTls.ClientCertificates.NONE));
        try {
            assertThat(check(server, ClientTls.trusting(certs.ca()))).isEqualTo(Status.Code.OK);
            assertThat(check(server, null)).as("plaintext against TLS").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(check(server, ClientTls.trusting(certs.strangerClient().certificate())))
                    .as("a client that does not trust the server's CA").isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void mutualTlsLetsInOnlyClientsWithACertificateFromItsCa() {
        TestCertificates certs = TestCertificates.createIn(dir);
        Server server = Probe.start(AuthInterceptor.off(), new ServerTls(certs.server().certificate(),
                certs.server().privateKey(), certs.ca(), ServerTls.ClientCertificates.REQUIRE));
        try {
            ClientTls trusting = ClientTls.trusting(certs.ca());
            assertThat(check(server, trusting.withCertificate(certs.client().certificate(), certs.client().privateKey())))
                    .isEqualTo(Status.Code.OK);
            assertThat(check(server, trusting)).as("no client certificate").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(check(server, trusting.withCertificate(certs.strangerClient().certificate(),
                    certs.strangerClient().privateKey()))).as("a certificate from another CA")
                    .isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void missingFilesAndHalfConfigurationsAreNamed() {
        TestCertificates certs = TestCertificates.createIn(dir);
        assertThatThrownBy(() -> new ServerTls(dir.resolve("nope.pem"),
                certs.server().privateKey(), null, ServerTls.ClientCertificates.NONE))
                .hasMessageContaining("nope.pem").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> new ServerTls(certs.server().certificate(),
                certs.server().privateKey(), null, ServerTls.ClientCertificates.REQUIRE))
                .hasMessageContaining("client-ca-file");
        assertThatThrownBy(() -> ClientTls.trusting(certs.ca())
                .withCertificate(certs.client().certificate(), null)).hasMessageContaining("both");
    }

    private static Status.Code check(Server server, ClientTls tls) {
        ManagedChannel channel = Grpc.channel(new Endpoint("127.0.0.1", server.getPort()), 1 << 20,
                new ChannelSecurity(tls, null));
        try {
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }
}
