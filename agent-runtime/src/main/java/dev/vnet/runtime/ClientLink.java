package dev.vnet.runtime;

/** A broadcaster the runtime can close when the container or the client's transport goes away. */
abstract class ClientLink implements Broadcaster {

    /** Who connects through the network: the network checked that the client id is the caller's session. */
    static final String THE_NETWORK = "";

    private final String clientId;
    private final String owner;

    /** @param owner who made the connection: {@link #THE_NETWORK}, or the principal of a direct connection */
    ClientLink(String clientId, String owner) {
        this.clientId = clientId;
        this.owner = owner;
    }

    /** Whether {@code newer} may take this client's place: only a connection made by the same caller may. */
    boolean mayBeReplacedBy(ClientLink newer) {
        return owner.equals(newer.owner);
    }

    @Override
    public final String clientId() {
        return clientId;
    }

    /** The container is gone: tell the client, then stop sending. */
    abstract void close(String reason);
}
