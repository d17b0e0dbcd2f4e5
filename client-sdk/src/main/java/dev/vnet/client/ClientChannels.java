package dev.vnet.client;

import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.NetworkEndpoints;
import dev.vnet.wire.StreamLiveness;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The client's gRPC channels, one per endpoint and shared by everything that talks to it, and which of the
 * network's endpoints is the current one.
 */
final class ClientChannels implements AutoCloseable {

    private final NetworkEndpoints endpoints;
    private final ChannelSecurity security;
    /** Makes the channel to one endpoint: {@link Grpc#channel}, or an in-process one in tests. */
    private final Function<Endpoint, ManagedChannel> connector;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Told where each new session opened: streams elsewhere follow it (the leader moved there). */
    private final Set<Consumer<Endpoint>> sessionMoves = ConcurrentHashMap.newKeySet();
    /** How often the network wants pings, from the last session's welcome (the network's default until then). */
    private volatile Duration pingInterval = Duration.ofSeconds(1);
    /** After how long without a word the network is gone, from the last session's welcome (its default until then). */
    private volatile Duration aliveTimeout = Duration.ofSeconds(3);

    ClientChannels(List<Endpoint> network, int maxMessageBytes, ChannelSecurity security) {
        this(network, security, endpoint -> Grpc.channel(endpoint, maxMessageBytes, security));
    }

    ClientChannels(List<Endpoint> network, ChannelSecurity security, Function<Endpoint, ManagedChannel> connector) {
        this.endpoints = new NetworkEndpoints(network, Duration.ofSeconds(2));
        this.security = security;
        this.connector = connector;
    }

    ChannelSecurity security() {
        return security;
    }

    /** Which network endpoint to use now; the session keeps it up to date. */
    NetworkEndpoints endpoints() {
        return endpoints;
    }

    /**
     * A session opened at {@code endpoint}: it leads now; streams open elsewhere move there. Its welcome's ping
     * interval and alive timeout (when set) are what every long-lived stream opened from now on uses.
     */
    void sessionOpened(Endpoint endpoint, long pingIntervalMs, long aliveTimeoutMs) {
        if (pingIntervalMs > 0) {
            pingInterval = Duration.ofMillis(Math.min(StreamLiveness.MAX_PING_INTERVAL_MS,
                    Math.max(StreamLiveness.MIN_PING_INTERVAL_MS, pingIntervalMs)));
        }
        if (aliveTimeoutMs > 0) {
            aliveTimeout = Duration.ofMillis(aliveTimeoutMs);
        }
        sessionMoves.forEach(follower -> follower.accept(endpoint));
    }

    /** How often the client pings, and asks the server to ping, on its long-lived streams. */
    Duration pingInterval() {
        return pingInterval;
    }

    /** A long-lived stream on which nothing came for this long has a silent server: it is treated as dropped. */
    Duration aliveTimeout() {
        return aliveTimeout;
    }

    /** Calls {@code follower} with the endpoint of each session opened from now on; the answer stops that. */
    Runnable onSessionOpened(Consumer<Endpoint> follower) {
        sessionMoves.add(follower);
        return () -> sessionMoves.remove(follower);
    }

    ManagedChannel channel(Endpoint endpoint) {
        return channels.computeIfAbsent(endpoint, connector);
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
