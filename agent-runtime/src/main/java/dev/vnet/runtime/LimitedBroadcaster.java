package dev.vnet.runtime;

import dev.vnet.proto.v1.Payload;

/**
 * The broadcaster a container gets: it refuses a message larger than the agent's payload limit, which would
 * otherwise be refused further on, by the network or the client, with the whole stream it travels on.
 */
final class LimitedBroadcaster implements Broadcaster {

    private final Broadcaster client;
    private final int maxPayloadBytes;

    LimitedBroadcaster(Broadcaster client, int maxPayloadBytes) {
        this.client = client;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    public String clientId() {
        return client.clientId();
    }

    /** @throws IllegalArgumentException when the message is larger than the agent's payload limit */
    @Override
    public boolean send(Payload payload) {
        if (payload.getData().size() > maxPayloadBytes) {
            throw new IllegalArgumentException("a broadcast of " + payload.getData().size() + " bytes is larger than "
                    + "the limit of " + maxPayloadBytes + " (vnet.agent.max-payload-bytes)");
        }
        return client.send(payload);
    }

    @Override
    public boolean isOpen() {
        return client.isOpen();
    }
}
