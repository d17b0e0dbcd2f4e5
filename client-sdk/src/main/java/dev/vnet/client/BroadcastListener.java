package dev.vnet.client;

import dev.vnet.proto.v1.Payload;

/**
 * Receives a container's broadcasts on a {@link Connection}. Called on the client's I/O threads: return quickly
 * and never block (hand long work to your own executor).
 */
public interface BroadcastListener {

    void onBroadcast(Payload payload);

    /** No more broadcasts come: the container went away, the connection broke, or it was closed. */
    default void onClosed(String reason) {}
}
