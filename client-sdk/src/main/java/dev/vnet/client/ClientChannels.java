package dev.vnet.client;

import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.NetworkEndpoints;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The client's gRPC channels, one per endpoint and shared by everything that talks to it, and which of the
 * network's endpoints is the current one.
 */
final class ClientChannels implements AutoCloseable {

    private final NetworkEndpoints endpoints;
    private final int maxMessageBytes;
    private final ChannelSecurity security;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Told where each new session opened: streams elsewhere follow it (the leader moved there). */
    private final Set<Consumer<Endpoint>> sessionMoves = ConcurrentHashMap.newKeySet();

    ClientChannels(List<Endpoint> network, int maxMessageBytes, ChannelSecurity security) {
        this.endpoints = new NetworkEndpoints(network, Duration.ofSeconds(2));
        this.maxMessageBytes = maxMessageBytes;
        this.security = security;
    }

    ChannelSecurity security() {
        return security;
    }

    /** Which network endpoint to use now; the session keeps it up to date. */
    NetworkEndpoints endpoints() {
        return endpoints;
    }

    /** A session opened at {@code endpoint}: it leads now; streams open elsewhere move there. */
    void sessionOpened(Endpoint endpoint) {
        sessionMoves.forEach(follower -> follower.accept(endpoint));
    }

    /** Calls {@code follower} with the endpoint of each session opened from now on; the answer stops that. */
    Runnable onSessionOpened(Consumer<Endpoint> follower) {
        sessionMoves.add(follower);
        return () -> sessionMoves.remove(follower);
    }

    ManagedChannel channel(Endpoint endpoint) {
        return channels.computeIfAbsent(endpoint, e -> Grpc.channel(e, maxMessageBytes, security));
    }

    /**
     * The channel to {@code endpoint}, told to connect now rather than at the end of gRPC's own reconnect backoff
     * (which grows to two minutes): the caller runs its own backoff and has decided that now is the time.
     */
    ManagedChannel channelForReconnect(Endpoint endpoint) {
        ManagedChannel channel = channel(endpoint);
        channel.resetConnectBackoff();
        return channel;
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            Grpc.close(channel, 1000);
        }
        channels.clear();
    }
}
