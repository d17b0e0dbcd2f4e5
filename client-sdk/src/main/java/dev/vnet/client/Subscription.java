package dev.vnet.client;

/** A running watch of network events; close it to stop. */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
