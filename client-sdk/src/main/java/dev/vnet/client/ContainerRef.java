package dev.vnet.client;

import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.Payload;
import java.util.concurrent.CompletableFuture;

/**
 * A container this client got: call it, send to it, connect to its broadcasts, release it. Closing the ref
 * releases it.
 */
public final class ContainerRef implements AutoCloseable {

    private final VnetClient client;
    private final ContainerInfo info;
    private final boolean created;

    ContainerRef(VnetClient client, ContainerInfo info, boolean created) {
        this.client = client;
        this.info = info;
        this.created = created;
    }

    public String uuid() {
        return info.getUuid();
    }

    public String kind() {
        return info.getKind();
    }

    /** The container as the network described it when it was got. */
    public ContainerInfo info() {
        return info;
    }

    /** Whether the get that returned this ref created the container. */
    public boolean created() {
        return created;
    }

    /** A request routed through the network, answered as {@code type} (decoded from JSON). */
    public <T> T request(String operation, Object data, Class<T> type) {
        return client.request(uuid(), operation, data, type);
    }

    public CompletableFuture<Payload> requestAsync(String operation, Object data, CallOptions options) {
        return client.requestAsync(uuid(), operation, data, options);
    }

    /** A request straight to the container's agent, bypassing the network. */
    public <T> T requestDirect(String operation, Object data, Class<T> type) {
        return Futures.await(requestDirectAsync(operation, data, CallOptions.DEFAULT)
                .thenApply(payload -> Json.decode(payload, type)));
    }

    public CompletableFuture<Payload> requestDirectAsync(String operation, Object data, CallOptions options) {
        return client.requestDirectAsync(info, operation, data, options);
    }

    /** A one-way message routed through the network; never retried. */
    public void send(String operation, Object data) {
        client.send(uuid(), operation, data);
    }

    /** Receives the container's broadcasts through the network. */
    public Connection connect(BroadcastListener listener) {
        return client.connect(uuid(), listener);
    }

    /** Receives the container's broadcasts straight from its agent. */
    public Connection connectDirect(BroadcastListener listener) {
        return client.connectDirect(info, listener);
    }

    /** Drops this client's reference; returns the references left from all clients. */
    public int release() {
        return client.release(uuid());
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return info.getKind() + "/" + info.getUuid() + "@" + info.getAgentId();
    }
}
