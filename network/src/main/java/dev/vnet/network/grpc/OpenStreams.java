package dev.vnet.network.grpc;

import dev.vnet.wire.OutboundStream;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client and agent streams this coordinator serves now, so that a coordinator that stops leading can end
 * them all at once, telling their peers where to go.
 */
final class OpenStreams {

    /** A stream that can be ended from outside. */
    interface Endable {
        void end(Status status, Metadata trailers);
    }

    private final Set<Endable> open = ConcurrentHashMap.newKeySet();

    /** Tracks a stream until it ends, whoever ends it. */
    void track(Endable stream, OutboundStream<?> out) {
        open.add(stream);
        out.whenEnded(() -> open.remove(stream));
    }

    void endAll(Status status, Metadata trailers) {
        for (Endable stream : open) {
            open.remove(stream);
            stream.end(status, trailers);
        }
    }

    int size() {
        return open.size();
    }
}
