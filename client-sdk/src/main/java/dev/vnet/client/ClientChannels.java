package dev.vnet.client;

import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's gRPC channels, one per endpoint and shared by everything that talks to it, and which of the
 * network's endpoints is the current one.
 */
final class ClientChannels implements AutoCloseable {

    private final List<Endpoint> network;
    private final int maxMessageBytes;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile int index;

    ClientChannels(List<Endpoint> network, int maxMessageBytes) {
        this.network = List.copyOf(network);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The network endpoint to use now. */
    Endpoint currentEndpoint() {
        return network.get(Math.floorMod(index, network.size()));
    }

    /** Moves on to the next network endpoint, after the current one failed. */
    void rotate() {
        index++;
    }

    List<Endpoint> networkEndpoints() {
        return network;
    }

    ManagedChannel channel(Endpoint endpoint) {
        return channels.computeIfAbsent(endpoint, e -> Grpc.channel(e, maxMessageBytes));
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
