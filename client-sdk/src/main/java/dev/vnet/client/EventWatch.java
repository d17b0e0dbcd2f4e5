package dev.vnet.client;

import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.wire.Backoff;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch of network events that survives network restarts: when the stream breaks it subscribes again (with a
 * snapshot when one was asked for, so the listener can rebuild its view) until closed.
 */
final class EventWatch implements Subscription {

    private static final System.Logger LOG = System.getLogger(EventWatch.class.getName());

    private final ClientChannels channels;
    private final ScheduledExecutorService scheduler;
    private final WatchEventsRequest request;
    private final Consumer<Event> listener;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private volatile Context.CancellableContext context;
    private volatile boolean closed;

    EventWatch(ClientChannels channels, ScheduledExecutorService scheduler, boolean snapshot, List<EventKind> kinds,
            Consumer<Event> listener) {
        this.channels = channels;
        this.scheduler = scheduler;
        this.request = WatchEventsRequest.newBuilder().setSnapshot(snapshot).addAllKinds(kinds).build();
        this.listener = listener;
    }

    void start() {
        if (closed) {
            return;
        }
        Context.CancellableContext ctx = Context.current().withCancellation();
        context = ctx;
        ctx.run(() -> NetworkGrpc.newStub(channels.channelForReconnect(channels.endpoints().current())).watchEvents(request,
                new StreamObserver<>() {
                    @Override
                    public void onNext(Event event) {
                        backoff.reset();
                        listener.accept(event);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        retry(failure.getMessage());
                    }

                    @Override
                    public void onCompleted() {
                        retry("the network ended the watch");
                    }
                }));
    }

    private void retry(String why) {
        if (closed) {
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
        Context.CancellableContext ctx = context;
        if (ctx != null) {
            ctx.cancel(null);
        }
    }
}
