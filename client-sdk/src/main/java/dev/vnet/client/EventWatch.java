package dev.vnet.client;

import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.wire.Backoff;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.StreamLiveness;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A watch of network events that survives network restarts: when the stream breaks it subscribes again (with a
 * snapshot when one was asked for, so the listener can rebuild its view) until closed. The network pings the watch
 * at the client's ping interval; a watch that hears nothing for the alive timeout has a silent (frozen) server and
 * is treated as broken. It also follows the client's session: when the session opens at another coordinator (the
 * leader moved), the watch subscribes there at once.
 */
final class EventWatch implements Subscription {

    private static final System.Logger LOG = System.getLogger(EventWatch.class.getName());

    private final ClientChannels channels;
    private final ScheduledExecutorService scheduler;
    private final WatchEventsRequest request;
    private final Consumer<Event> listener;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private volatile Context.CancellableContext context;
    private volatile Endpoint watching;
    /** Counts subscriptions: callbacks of one that was replaced are ignored. */
    private final AtomicLong generation = new AtomicLong();
    private final Runnable stopFollowing;
    private volatile boolean closed;

    EventWatch(ClientChannels channels, ScheduledExecutorService scheduler, boolean snapshot, List<EventKind> kinds,
            Consumer<Event> listener) {
        this.channels = channels;
        this.scheduler = scheduler;
        this.request = WatchEventsRequest.newBuilder().setSnapshot(snapshot).addAllKinds(kinds).build();
        this.listener = listener;
        this.stopFollowing = channels.onSessionOpened(this::sessionOpened);
    }

    void start() {
        if (closed) {
            return;
        }
        long mine = generation.incrementAndGet();
        Endpoint endpoint = channels.endpoints().current();
        watching = endpoint;
        Context.CancellableContext ctx = Context.current().withCancellation();
        context = ctx;
        Attempt attempt = new Attempt(mine, endpoint, ctx);
        WatchEventsRequest pinged = request.toBuilder().setPingIntervalMs(channels.pingInterval().toMillis()).build();
        ctx.run(() -> NetworkGrpc.newStub(channels.channelForReconnect(endpoint)).watchEvents(pinged, attempt));
    }

    /** One subscription, from its call until it ends: broken, completed, silent past the alive timeout, replaced. */
    private final class Attempt implements StreamObserver<Event> {

        private final long generationOf;
        private final Endpoint endpoint;
        private final Context.CancellableContext context;
        private final AtomicBoolean over = new AtomicBoolean();
        private final StreamLiveness liveness;

        Attempt(long generationOf, Endpoint endpoint, Context.CancellableContext context) {
            this.generationOf = generationOf;
            this.endpoint = endpoint;
            this.context = context;
            // The watch cannot send on its stream: the network's pings are what it hears, and it sends none.
            this.liveness = StreamLiveness.start(scheduler, channels.pingInterval(), channels.aliveTimeout(), null,
                    this::silent);
        }

        @Override
        public void onNext(Event event) {
            liveness.heard();
            if (generation.get() == generationOf && event.getKind() != EventKind.EVENT_KIND_PING) {
                backoff.reset();
                listener.accept(event);
            }
        }

        @Override
        public void onError(Throwable failure) {
            end(failure.getMessage());
        }

        @Override
        public void onCompleted() {
            end("the network ended the watch");
        }

        /** A frozen server keeps its connection and says nothing: the watch gives up on it as on a broken one. */
        private void silent(long silentMs) {
            end("the network at " + endpoint + " was silent for " + silentMs + " ms");
            context.cancel(null);
        }

        private void end(String why) {
            if (over.compareAndSet(false, true)) {
                liveness.stop();
                retry(generationOf, why);
            }
        }
    }

    /** The client's session opened at {@code endpoint}: a watch still on another coordinator moves there now. */
    private void sessionOpened(Endpoint endpoint) {
        if (closed || endpoint.equals(watching)) {
            return;
        }
        generation.incrementAndGet();
        Context.CancellableContext ctx = context;
        if (ctx != null) {
            ctx.cancel(null);
        }
        backoff.reset();
        LOG.log(Level.DEBUG, () -> "the session moved to " + endpoint + ": watching events there");
        try {
            scheduler.execute(this::start);
        } catch (RejectedExecutionException clientClosed) {
            closed = true;
        }
    }

    private void retry(long of, String why) {
        if (closed || generation.get() != of) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        LOG.log(Level.DEBUG, () -> "event watch ended (" + why + "); watching again in " + delay + " ms");
        try {
            scheduler.schedule(this::start, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException clientClosed) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        stopFollowing.run();
        Context.CancellableContext ctx = context;
        if (ctx != null) {
            ctx.cancel(null);
        }
    }
}
