package dev.vnet.network.registry;

import dev.vnet.proto.v1.Event;

/** The stream of a client session, as the registry sees it: it can be told about its containers, or ended. */
public interface SessionLink {

    /** A container the session holds was removed or changed. */
    void notify(Event event);

    /** The registry ended the session (it was silent too long); end the stream with this reason. */
    void close(String reason);
}
