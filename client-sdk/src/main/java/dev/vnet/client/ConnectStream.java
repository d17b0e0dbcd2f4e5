package dev.vnet.client;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.Ping;
import dev.vnet.wire.StreamLiveness;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * A {@link Connection} on a {@code Connect} stream, to the network or straight to an agent: both speak the same
 * frames. Opens with {@code open}, completes its future on {@code ready}, then hands broadcasts to the listener.
 * Both sides ping at the client's ping interval; a server that sends nothing for the alive timeout is gone (frozen,
 * or its host unreachable) and the connection ends as a lost one: the listener hears {@code onClosed}.
 */
final class ConnectStream implements Connection, ClientResponseObserver<ConnectFrame, ConnectEvent> {

    private final BroadcastListener listener;
    private final CompletableFuture<Connection> ready = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<ConnectFrame> call;
    private volatile String clientId = "";
    private volatile boolean open;
    private volatile boolean closedReported;
    private volatile Runnable onEnd = () -> { };
    private volatile StreamLiveness liveness;
    /** The stream's request side: gRPC's observers are not thread-safe, and pings go out from a timer. */
    private StreamObserver<ConnectFrame> requests;

    private ConnectStream(BroadcastListener listener) {
        this.listener = listener;
    }

    /**
     * Opens a connection with {@code start} (which starts the gRPC call with the observer it is given), with pings
     * both ways every {@code pingInterval}.
     *
     * @param sessionTicket the session's ticket, for a connection straight to an agent; empty through the network
     * @param server who serves the stream, for people ("the network at host:port")
     * @return the stream; {@link #ready} completes once the container accepted the connection
     */
    static ConnectStream open(String uuid, String sessionId, ByteString sessionTicket, BroadcastListener listener,
            String server, ScheduledExecutorService scheduler, Duration pingInterval, Duration aliveTimeout,
            Function<StreamObserver<ConnectEvent>, StreamObserver<ConnectFrame>> start) {
        ConnectStream stream = new ConnectStream(listener);
        // Before the call starts: its first event may come at once, and is heard.
        stream.liveness = StreamLiveness.start(scheduler, pingInterval, aliveTimeout,
                () -> stream.send(ConnectFrame.newBuilder()
                        .setPing(Ping.newBuilder().setSentAtMs(System.currentTimeMillis())).build()),
                silentMs -> stream.abandon(server + " was silent for " + silentMs + " ms; connect again"));
        synchronized (stream) {
            stream.requests = start.apply(stream);
            stream.send(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(uuid)
                    .setSessionId(sessionId == null ? "" : sessionId).setSessionTicket(sessionTicket)
                    .setPingIntervalMs(pingInterval.toMillis()))
                    .build());
        }
        return stream;
    }

    private synchronized void send(ConnectFrame frame) {
        if (closedReported) {
            return;
        }
        try {
            requests.onNext(frame);
        } catch (IllegalStateException alreadyClosed) {
            // The stream ended meanwhile; its end is reported by the observer's callbacks.
        }
    }

    /** Runs {@code cleanup} once the connection has ended, however it ended. */
    void onEnd(Runnable cleanup) {
        onEnd = cleanup;
        if (closedReported) {
            cleanup.run();
        }
    }

    /** Ends the connection from this side: the listener is told {@code reason} (once it was ready). */
    void abandon(String reason) {
        ready.completeExceptionally(new VnetException(Status.Code.UNAVAILABLE, reason));
        // Before cancelling: the cancelled call reports itself as plainly "closed", and the first report wins.
        reportClosed(reason);
        ClientCallStreamObserver<ConnectFrame> c = call;
        if (c != null) {
            c.cancel(reason, null);
        }
    }

    /** Completes once the container accepted the connection. */
    CompletableFuture<Connection> ready() {
        return ready;
    }

    /** Gives up on a connection that is not ready yet: fails {@link #ready} with {@code failure}, ends the stream. */
    void abandonIfNotReady(VnetException failure) {
        if (ready.completeExceptionally(failure)) {
            ClientCallStreamObserver<ConnectFrame> c = call;
            if (c != null) {
                c.cancel(failure.getMessage(), null);
            }
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ConnectFrame> call) {
        this.call = call;
    }

    @Override
    public void onNext(ConnectEvent event) {
        liveness.heard();
        switch (event.getEventCase()) {
            case READY -> {
                clientId = event.getReady().getClientId();
                open = true;
                ready.complete(this);
            }
            case BROADCAST -> listener.onBroadcast(event.getBroadcast());
            case CLOSED -> reportClosed(event.getClosed().getReason());
            case PING, EVENT_NOT_SET -> { }
        }
    }

    @Override
    public void onError(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        ready.completeExceptionally(VnetException.from(failure));
        reportClosed(status.getCode() == Status.Code.CANCELLED ? "closed" : "connection lost: " + status.getCode()
                + " " + status.getDescription());
    }

    @Override
    public void onCompleted() {
        ready.completeExceptionally(new VnetException(Status.Code.UNAVAILABLE, "the stream ended before it was ready"));
        reportClosed("the container closed the connection");
    }

    private void reportClosed(String reason) {
        open = false;
        synchronized (this) {
            // The stream's end, the liveness timer and the application may all get here at once: one report.
            if (closedReported) {
                return;
            }
            closedReported = true;
        }
        liveness.stop();
        onEnd.run();
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            listener.onClosed(reason);
        }
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        // Told now, as closed: the server's end of the stream that follows would read as the container's doing.
        reportClosed("closed");
        ClientCallStreamObserver<ConnectFrame> c = call;
        if (c != null) {
            synchronized (this) {
                try {
                    c.onCompleted();
                } catch (IllegalStateException alreadyClosed) {
                    // The stream already ended; nothing left to close.
                }
            }
        }
    }
}
