package dev.vnet.runtime;

/** A broadcaster the runtime can close when the container or the client's transport goes away. */
abstract class ClientLink implements Broadcaster {

    private final String clientId;

    ClientLink(String clientId) {
        this.clientId = clientId;
    }

    @Override
    public final String clientId() {
        return clientId;
    }

    /** The container is gone: tell the client, then stop sending. */
    abstract void close(String reason);
}
