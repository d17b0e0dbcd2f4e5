package dev.vnet.wire;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;

/**
 * Writes messages to one gRPC stream from any thread, in order, without ever blocking the caller.
 *
 * <p>gRPC stream observers are not thread-safe and buffer without limit when the peer reads slower than we write.
 * This class serialises writers, writes straight through while the transport is ready (the fast path: no queue),
 * and otherwise queues up to {@code maxQueued} messages, drained by the transport's on-ready callback. When the
 * queue is full, {@link #send} answers {@code false} and the caller decides: fail one call, or drop the peer.
 *
 * <p>On the server side it takes the call's cancel handler (inbound observers still see the cancellation as
 * {@code onError}). On the client side it must be created inside {@code ClientResponseObserver.beforeStart}, because gRPC only
 * accepts the on-ready handler there.
 */
public final class OutboundStream<T> {

    private final CallStreamObserver<T> observer;
    private final int maxQueued;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private boolean closed;
    private boolean completeWhenDrained;
    private Runnable onEnd;

    public OutboundStream(CallStreamObserver<T> observer, int maxQueued) {
        this.observer = observer;
        this.maxQueued = maxQueued;
        observer.setOnReadyHandler(this::drain);
        if (observer instanceof ServerCallStreamObserver<T> server) {
            // Without a cancel handler gRPC throws from onNext after the client cancelled; we just stop writing.
            server.setOnCancelHandler(this::abandon);
        }
    }

    /**
     * Sends one message, or queues it while the transport is not ready.
     *
     * @return false when the stream is closed or {@code maxQueued} messages are already waiting
     */
    public synchronized boolean send(T message) {
        if (closed || completeWhenDrained) {
            return false;
        }
        if (queue.isEmpty() && observer.isReady()) {
            observer.onNext(message);
            return true;
        }
        if (queue.size() >= maxQueued) {
            return false;
        }
        queue.addLast(message);
        return true;
    }

    /** Ends the stream normally once the queued messages are written. */
    public synchronized void complete() {
        if (closed || completeWhenDrained) {
            return;
        }
        completeWhenDrained = true;
        drainLocked();
    }

    /** Ends the stream at once with an error status; queued messages are dropped. */
    public void fail(Status status) {
        fail(status, null);
    }

    /** Ends the stream at once with an error status and trailers (e.g. a leader hint). */
    public synchronized void fail(Status status, Metadata trailers) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        observer.onError(trailers == null ? status.asRuntimeException() : status.asRuntimeException(trailers));
        ended();
    }

    /** Marks the stream closed without writing to it: the peer or the transport already ended it. */
    public synchronized void abandon() {
        closed = true;
        queue.clear();
        ended();
    }

    /** Runs {@code action} once, when the stream ends in any way (completed, failed, cancelled by the peer). */
    public synchronized void whenEnded(Runnable action) {
        if (closed) {
            action.run();
        } else {
            onEnd = action;
        }
    }

    private void ended() {
        Runnable action = onEnd;
        onEnd = null;
        if (action != null) {
            action.run();
        }
    }

    public synchronized boolean isOpen() {
        return !closed && !completeWhenDrained;
    }

    /** Messages waiting for the transport, for metrics and tests. */
    public synchronized int queued() {
        return queue.size();
    }

    private synchronized void drain() {
        drainLocked();
    }

    private void drainLocked() {
        while (!closed && !queue.isEmpty() && observer.isReady()) {
            observer.onNext(queue.pollFirst());
        }
        if (!closed && completeWhenDrained && queue.isEmpty()) {
            closed = true;
            observer.onCompleted();
            ended();
        }
    }
}
