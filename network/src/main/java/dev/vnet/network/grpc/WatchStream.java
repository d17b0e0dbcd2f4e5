package dev.vnet.network.grpc;

import dev.vnet.network.events.EventHub;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.wire.OutboundStream;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code WatchEvents} stream: forwards the events it asked for, and is dropped when it falls behind its queue
 * budget.
 */
final class WatchStream implements EventHub.Watcher, OpenStreams.Endable {

    private final OutboundStream<Event> out;
    private final Set<EventKind> kinds;

    WatchStream(OutboundStream<Event> out, List<EventKind> kinds) {
        this.out = out;
        this.kinds = kinds.isEmpty() ? EnumSet.allOf(EventKind.class) : EnumSet.copyOf(kinds);
    }

    @Override
    public void end(Status status, Metadata trailers) {
        out.fail(status, trailers);
    }

    @Override
    public boolean offer(Event event) {
        if (!out.isOpen()) {
            return false;
        }
        if (!kinds.contains(event.getKind())) {
            return true;
        }
        // A watcher too far behind is dropped by its stream, with a status that says which budget it passed.
        return out.send(event);
    }
}
