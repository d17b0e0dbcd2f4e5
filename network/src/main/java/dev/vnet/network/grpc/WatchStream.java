package dev.vnet.network.grpc;

import dev.vnet.network.events.EventHub;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.StreamLiveness;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One {@code WatchEvents} stream: forwards the events it asked for, pings at the interval it asked for (so that its
 * client can tell a silent server from a quiet stream), and is dropped when it falls behind its queue budget.
 */
final class WatchStream implements EventHub.Watcher, OpenStreams.Endable {

    private final OutboundStream<Event> out;
    private final Set<EventKind> kinds;

    WatchStream(OutboundStream<Event> out, List<EventKind> kinds) {
        this.out = out;
        this.kinds = kinds.isEmpty() ? EnumSet.allOf(EventKind.class) : EnumSet.copyOf(kinds);
    }

    /**
     * Sends an {@link EventKind#EVENT_KIND_PING} every {@code intervalMs} (none for 0) until the stream ends, ahead
     * of events waiting to be read. The client cannot send on this stream, so there is no deadline on it.
     */
    void ping(ScheduledExecutorService timers, long intervalMs) {
        if (intervalMs == 0) {
            return;
        }
        StreamLiveness pings = StreamLiveness.start(timers, Duration.ofMillis(intervalMs), Duration.ZERO,
                () -> out.sendUrgent(Event.newBuilder().setKind(EventKind.EVENT_KIND_PING)
                        .setAtMs(System.currentTimeMillis()).build()), null);
        out.whenEnded(pings::stop);
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
