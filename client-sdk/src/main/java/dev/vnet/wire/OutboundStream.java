package dev.vnet.wire;

import com.google.protobuf.MessageLite;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes messages to one gRPC stream from any thread, in order, without ever blocking the caller, and bounds in
 * bytes what waits for a slow reader.
 *
 * <p>gRPC stream observers are not thread-safe and buffer without limit when the peer reads slower than we write.
 * This class serialises writers, writes straight through while the transport is ready (the fast path: no queue),
 * and otherwise queues, drained by the transport's on-ready callback. What may queue is bounded by a
 * {@link QueueBudget}: messages, bytes of this stream, and bytes of all streams of the process together. A message
 * that does not fit either drops the reader (RESOURCE_EXHAUSTED, naming the budget and its setting) or is refused
 * ({@link #send} answers false) and the writer decides: fail one call, or drop the peer.
 *
 * <p>Three kinds of messages: data ({@link #send}: counted in bytes), control frames ({@link #sendControl}: in
 * order with data, counted only as messages, so that a reader's backlog of data never refuses a command), and
 * liveness frames ({@link #sendUrgent}: heartbeats and their answers, written before anything queued, so that
 * data never delays them).
 *
 * <p>On the server side it takes the call's cancel handler (inbound observers still see the cancellation as
 * {@code onError}). On the client side it must be created inside {@code ClientResponseObserver.beforeStart}, because
 * gRPC only accepts the on-ready handler there.
 */
public final class OutboundStream<T extends MessageLite> {

    /** What a queued message costs beyond its encoded bytes (the queue entry, the message object). */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    private record Queued<T>(T message, long bytes) {}

    private final CallStreamObserver<T> observer;
    private final QueueBudget budget;
    private final ArrayDeque<Queued<T>> urgent = new ArrayDeque<>();
    private final ArrayDeque<Queued<T>> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean closed;
    private boolean completeWhenDrained;
    private final List<Runnable> onEnd = new ArrayList<>();

    public OutboundStream(CallStreamObserver<T> observer, QueueBudget budget) {
        this.observer = observer;
        this.budget = budget;
        observer.setOnReadyHandler(this::drain);
        if (observer instanceof ServerCallStreamObserver<T> server) {
            // Without a cancel handler gRPC throws from onNext after the client cancelled; we just stop writing.
            server.setOnCancelHandler(this::abandon);
        }
    }

    /**
     * Sends one data message, or queues it while the transport is not ready.
     *
     * @return false when the stream is closed or the message does not fit the budget (the reader was dropped, if
     *         the budget says so)
     */
    public synchronized boolean send(T message) {
        if (!isOpenLocked()) {
            return false;
        }
        if (nothingWaiting() && observer.isReady()) {
            observer.onNext(message);
            return true;
        }
        long bytes = (long) message.getSerializedSize() + ENTRY_OVERHEAD_BYTES;
        String over = overBudget(bytes);
        if (over != null) {
            return refuse(over, bytes);
        }
        queuedBytes += bytes;
        queue.addLast(new Queued<>(message, bytes));
        return true;
    }

    /** Sends a control frame in order with data; only the budget's message count bounds it. */
    public synchronized boolean sendControl(T message) {
        return sendUncounted(message, queue);
    }

    /** Sends a liveness frame ahead of every queued message; only the budget's message count bounds it. */
    public synchronized boolean sendUrgent(T message) {
        return sendUncounted(message, urgent);
    }

    private boolean sendUncounted(T message, ArrayDeque<Queued<T>> lane) {
        if (!isOpenLocked()) {
            return false;
        }
        if (nothingWaiting() && observer.isReady()) {
            observer.onNext(message);
            return true;
        }
        if (waiting() >= budget.maxFrames()) {
            return refuse(QueueBudget.FRAMES, 0);
        }
        lane.addLast(new Queued<>(message, 0));
        return true;
    }

    /** Which budget {@code bytes} more would pass, or null when they fit (the total's share is then taken). */
    private String overBudget(long bytes) {
        if (waiting() >= budget.maxFrames()) {
            return QueueBudget.FRAMES;
        }
        if (queuedBytes + bytes > budget.maxBytes()) {
            return QueueBudget.STREAM;
        }
        if (budget.total() != null && !budget.total().tryTake(bytes)) {
            return QueueBudget.TOTAL;
        }
        return null;
    }

    private boolean refuse(String over, long bytes) {
        if (budget.dropReader()) {
            budget.onDrop().accept(over);
            failLocked(Status.RESOURCE_EXHAUSTED.withDescription(whyDropped(over, bytes)), null);
        }
        return false;
    }

    private String whyDropped(String over, long bytes) {
        String behind = "dropped: this stream's reader fell behind, with " + waiting() + " messages ("
                + queuedBytes + " bytes) waiting to be read; ";
        return behind + switch (over) {
            case QueueBudget.FRAMES -> "the limit is " + budget.maxFrames() + " messages";
            case QueueBudget.STREAM -> "the next message of " + bytes + " bytes would pass the stream's budget of "
                    + budget.maxBytes() + " bytes (" + budget.maxBytesSetting() + ")";
            default -> "the next message of " + bytes + " bytes would pass the budget of "
                    + budget.total().max() + " bytes that all streams share (" + budget.total().setting() + ")";
        } + "; read faster, or open the stream again";
    }

    /** Ends the stream normally once the queued messages are written. */
    public synchronized void complete() {
        if (!isOpenLocked()) {
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
        failLocked(status, trailers);
    }

    private void failLocked(Status status, Metadata trailers) {
        if (closed) {
            return;
        }
        closed = true;
        clear();
        observer.onError(trailers == null ? status.asRuntimeException() : status.asRuntimeException(trailers));
        ended();
    }

    /** Marks the stream closed without writing to it: the peer or the transport already ended it. */
    public synchronized void abandon() {
        closed = true;
        clear();
        ended();
    }

    /**
     * Runs {@code action} once, when the stream ends in any way (completed, failed, cancelled by the peer); at once
     * when it has ended. Actions run in the order they were given.
     */
    public synchronized void whenEnded(Runnable action) {
        if (closed) {
            action.run();
        } else {
            onEnd.add(action);
        }
    }

    private void ended() {
        List<Runnable> actions = List.copyOf(onEnd);
        onEnd.clear();
        actions.forEach(Runnable::run);
    }

    public synchronized boolean isOpen() {
        return isOpenLocked();
    }

    private boolean isOpenLocked() {
        return !closed && !completeWhenDrained;
    }

    /** Messages waiting for the transport, for metrics and tests. */
    public synchronized int queued() {
        return waiting();
    }

    /** Bytes of data waiting for the transport, for metrics and tests. */
    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    private int waiting() {
        return urgent.size() + queue.size();
    }

    private boolean nothingWaiting() {
        return urgent.isEmpty() && queue.isEmpty();
    }

    private synchronized void drain() {
        drainLocked();
    }

    private void drainLocked() {
        while (!closed && !nothingWaiting() && observer.isReady()) {
            Queued<T> next = urgent.isEmpty() ? queue.pollFirst() : urgent.pollFirst();
            giveBack(next.bytes());
            observer.onNext(next.message());
        }
        if (!closed && completeWhenDrained && nothingWaiting()) {
            closed = true;
            observer.onCompleted();
            ended();
        }
    }

    private void clear() {
        urgent.clear();
        queue.clear();
        giveBack(queuedBytes);
    }

    private void giveBack(long bytes) {
        if (bytes == 0) {
            return;
        }
        queuedBytes -= bytes;
        if (budget.total() != null) {
            budget.total().give(bytes);
        }
    }
}
