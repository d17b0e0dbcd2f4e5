package dev.vnet.wire;

import dev.vnet.security.ServerTls;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How every vnet server (the coordinator's port and an agent's direct port) is built: grpc-java on Netty (epoll
 * where the platform has it), with handlers run directly on the transport threads.
 *
 * <p>Running handlers on the transport threads ({@code directExecutor}) is what makes the routed path fast: a
 * frame is decoded, routed and re-encoded without a thread hand-off. It is safe because no vnet handler blocks:
 * handlers either forward a frame, enqueue a command for the registry thread, or hand container code to the
 * agent's worker threads. The same code on grpc-java's default executors ran 5 to 10 times slower here.
 */
public final class GrpcServers {

    private GrpcServers() {}

    /**
     * Starts a server on {@code host:port} (port 0 picks a free one): {@link #start(ServerBuilder, String, int,
     * List, List, HealthStatusManager, ServerGuard)} on {@link #netty}.
     *
     * @param tls null for plaintext
     */
    public static Server start(String host, int port, int maxMessageBytes, List<BindableService> services,
            List<ServerInterceptor> interceptors, HealthStatusManager health, ServerTls tls, ServerGuard guard) {
        return start(netty(host, port, tls), host + ":" + port, maxMessageBytes, services, interceptors, health,
                guard);
    }

    /**
     * The transport of every vnet server: Netty on {@code host:port}, with the keep-alive policy clients rely on.
     *
     * @param tls null for plaintext
     */
    public static NettyServerBuilder netty(String host, int port, ServerTls tls) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                // Clients ping to find dead connections; let them, but not more often than this.
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS);
        if (tls != null) {
            builder.sslContext(tls.sslContext());
        }
        return builder;
    }

    /**
     * Starts a server on {@code transport} ({@link #netty} in production, an in-process one in tests) with the
     * given services, plus server reflection and the standard {@code grpc.health.v1} service, whose status the
     * caller drives through {@code health}. Interceptors run last to first, as {@link ServerInterceptors#intercept}
     * orders them; the guard runs before all of them, on every service.
     *
     * @param address where the transport listens, for the error when it cannot
     */
    public static Server start(ServerBuilder<?> transport, String address, int maxMessageBytes,
            List<BindableService> services, List<ServerInterceptor> interceptors, HealthStatusManager health,
            ServerGuard guard) {
        transport.directExecutor().maxInboundMessageSize(maxMessageBytes);
        transport.addTransportFilter(guard.connectionCounter());
        for (BindableService service : services) {
            transport.addService(guard.guard(ServerInterceptors.intercept(service, interceptors)));
        }
        transport.addService(guard.guard(ProtoReflectionServiceV1.newInstance().bindService()));
        transport.addService(guard.guard(health.getHealthService().bindService()));
        try {
            return transport.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Stops a server: no new calls, then up to {@code graceMillis} for running ones, then cancels the rest. */
    public static void stop(Server server, long graceMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
