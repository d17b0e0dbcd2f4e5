package dev.vnet.wire;

import dev.vnet.security.ChannelSecurity;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * How every vnet process builds its gRPC channels: grpc-java on Netty (epoll where the platform has it), with
 * callbacks run directly on the transport threads. {@link GrpcServers} builds the servers the same way.
 */
public final class Grpc {

    /** Largest frame accepted: the largest payload plus room for the frame around it. */
    public static int maxMessageBytes(int maxPayloadBytes) {
        return maxPayloadBytes + 64 * 1024;
    }

    private Grpc() {}

    /**
     * A channel to one endpoint. Callbacks run on the transport threads, so whatever completes on them must not
     * block; transparent retries are off because vnet decides itself what may be retried.
     */
    public static ManagedChannel channel(Endpoint endpoint, int maxMessageBytes, ChannelSecurity security) {
        return security.apply(NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port()))
                .directExecutor()
                .disableRetry()
                .maxInboundMessageSize(maxMessageBytes)
                .keepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    /** Closes a channel the same way: calls in flight get {@code graceMillis}, then are cancelled. */
    public static void close(ManagedChannel channel, long graceMillis) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
