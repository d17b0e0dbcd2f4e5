package dev.vnet.bench;

import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many {@code WatchEvents} streams on one coordinator, ten to a connection as a few consoles and controllers would
 * open them: how many events they are delivered, and how late (now less the event's own time, in milliseconds).
 */
final class EventWatchers implements AutoCloseable {

    private static final int STREAMS_PER_CONNECTION = 10;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Recorder lagMs = new Recorder(3);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong firstAtNanos = new AtomicLong();
    private final AtomicLong lastAtNanos = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();

    private EventWatchers() {}

    static EventWatchers open(String endpoint, int watchers) {
        EventWatchers opened = new EventWatchers();
        for (int i = 0; i < watchers; i++) {
            if (i % STREAMS_PER_CONNECTION == 0) {
                opened.channels.add(Grpc.channel(Endpoint.parse(endpoint), Grpc.maxMessageBytes(8 << 20),
                        ChannelSecurity.NONE));
            }
            NetworkGrpc.newStub(opened.channels.get(opened.channels.size() - 1))
                    .watchEvents(WatchEventsRequest.getDefaultInstance(), opened.new Watcher());
        }
        return opened;
    }

    /** Events delivered to all the watchers so far. */
    long delivered() {
        return delivered.get();
    }

    /** Nanos since the last delivery (0 before the first). */
    long quietNanos() {
        long last = lastAtNanos.get();
        return last == 0 ? 0 : System.nanoTime() - last;
    }

    /** Events per second delivered, from the first delivery to the last. */
    double deliveredPerSecond() {
        long span = lastAtNanos.get() - firstAtNanos.get();
        return span <= 0 ? 0 : delivered.get() / (span / 1e9);
    }

    /** Watch streams the coordinator ended (a watcher too far behind is dropped). */
    long ended() {
        return ended.get();
    }

    Histogram lagMs() {
        return lagMs.getIntervalHistogram();
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    private final class Watcher implements StreamObserver<Event> {
        @Override
        public void onNext(Event event) {
            long now = System.nanoTime();
            firstAtNanos.compareAndSet(0, now);
            lastAtNanos.set(now);
            delivered.incrementAndGet();
            lagMs.recordValue(Math.max(0, System.currentTimeMillis() - event.getAtMs()));
        }

        @Override
        public void onError(Throwable t) {
            ended.incrementAndGet();
        }

        @Override
        public void onCompleted() {
            ended.incrementAndGet();
        }
    }
}
