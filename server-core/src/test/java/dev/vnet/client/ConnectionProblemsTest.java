package dev.vnet.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.ClientTls;
import dev.vnet.security.ServerTls;
import dev.vnet.security.TestCertificates;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.GrpcServers;
import dev.vnet.wire.ServerGuard;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a TLS handshake fails is named, with what to fix. */
class ConnectionProblemsTest {

    @TempDir
    static Path dir;

    private static final ScheduledExecutorService TIMERS = DaemonThreads.scheduler("tls-test");
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.createIn(dir);
    }

    @AfterAll
    static void stop() {
        TIMERS.shutdownNow();
    }

    @Test
    void aClosedConnectionSuggestsTlsOnlyBeforeAnySessionWasEstablished() {
        Status closed = Status.UNAVAILABLE.withDescription("Network closed for unknown reason");
        assertThat(ConnectionProblems.describe(closed, false, false)).contains("the network may require TLS");
        // A coordinator killed under a live session ends it with the same words: TLS is not the cause then.
        assertThat(ConnectionProblems.describe(closed, false, true))
                .isEqualTo("UNAVAILABLE Network closed for unknown reason");
        assertThat(ConnectionProblems.describe(closed, true, false)).doesNotContain("may require TLS");
    }

    @Test
    void aServerCertificateFromAnUnknownCa() {
        String problem = problem(new ServerTls(certs.server().certificate(), certs.server().privateKey(), null,
                ServerTls.ClientCertificates.NONE), ClientTls.trusting(certs.strangerClient().certificate()));
        assertThat(problem).contains("unknown CA").contains("--ca");
    }

    @Test
    void anExpiredServerCertificate() {
        String problem = problem(new ServerTls(certs.expiredServer().certificate(),
                certs.expiredServer().privateKey(), null, ServerTls.ClientCertificates.NONE),
                ClientTls.trusting(certs.ca()));
        assertThat(problem).contains("expired");
    }

    @Test
    void aServerCertificateForAnotherHost() {
        String problem = problem(new ServerTls(certs.otherHostServer().certificate(),
                certs.otherHostServer().privateKey(), null, ServerTls.ClientCertificates.NONE),
                ClientTls.trusting(certs.ca()));
        assertThat(problem).contains("host mismatch").contains("127.0.0.1");
    }

    @Test
    void aServerThatRequiresAClientCertificate() {
        String problem = problem(new ServerTls(certs.server().certificate(), certs.server().privateKey(),
                certs.ca(), ServerTls.ClientCertificates.REQUIRE), ClientTls.trusting(certs.ca()));
        assertThat(problem).contains("requires a client certificate").contains("--cert");
    }

    /** What a client with {@code clientTls} is told when it calls a server with {@code serverTls}. */
    private static String problem(ServerTls serverTls, ClientTls clientTls) {
        Server server = GrpcServers.start("127.0.0.1", 0, 1 << 20, List.<BindableService>of(),
                List.of(AuthInterceptor.off()), new HealthStatusManager(), serverTls,
                new ServerGuard(new ServerGuard.Limits(100, "max", Duration.ofSeconds(10), "first"), TIMERS));
        ManagedChannel channel = Grpc.channel(new Endpoint("127.0.0.1", server.getPort()), 1 << 20,
                new ChannelSecurity(clientTls, null));
        try {
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            throw new AssertionError("the call succeeded");
        } catch (StatusRuntimeException e) {
            String described = ConnectionProblems.describe(e.getStatus(), true, false);
            System.out.println("TLS failure described as: " + described);
            return described;
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
