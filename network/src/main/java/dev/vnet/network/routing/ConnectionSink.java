package dev.vnet.network.routing;

import dev.vnet.proto.v1.Payload;

/** A client connected to a container's broadcasts through the network. */
public interface ConnectionSink {

    /** One message from the container to this client; never blocks. */
    void broadcast(Payload payload);

    /** The container or its activation went away: no more broadcasts come. */
    void closed(String reason);
}
