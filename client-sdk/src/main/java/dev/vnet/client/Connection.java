package dev.vnet.client;

/** A client's connection to a container, receiving its broadcasts until closed. */
public interface Connection extends AutoCloseable {

    /** The id the container knows this client by. */
    String clientId();

    boolean isOpen();

    /** Disconnects from the container. */
    @Override
    void close();
}
