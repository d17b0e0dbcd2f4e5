package dev.vnet.runtime;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.Payload;

/** Sends messages from a container to one connected client. Safe to use from any thread. */
public interface Broadcaster {

    String clientId();

    /**
     * Sends one message, without waiting for the client.
     *
     * @return false when the client is gone or too far behind; the message is dropped
     */
    boolean send(Payload payload);

    default boolean sendJson(Object value) {
        return send(Json.encode(value));
    }

    boolean isOpen();
}
