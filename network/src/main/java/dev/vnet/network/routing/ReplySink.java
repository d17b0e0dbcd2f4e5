package dev.vnet.network.routing;

import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.Error;

/** Where the answer to one routed request goes: a frame on a client's session stream, or a unary response. */
public interface ReplySink {

    void reply(ContainerReply reply);

    void fail(Error error);
}
