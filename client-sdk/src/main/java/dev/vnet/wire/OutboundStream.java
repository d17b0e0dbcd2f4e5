package dev.vnet.wire;

import com.google.protobuf.MessageLite;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Writes messages to one gRPC stream from any thread, in order, without ever blocking the caller, and bounds in
 * bytes what waits for a slow reader.
 *
 * <p>gRPC stream observers are not thread-safe and buffer without limit when the peer reads slower than we write.
 * Every message goes through one queue; one thread at a time holds the writer's role and writes what waits while
 * the transport is ready, outside the queue's lock, so a sender never waits for another's write: when the role is
 * taken, the holder writes its message for it. The role goes to whoever sends when nobody holds it (no thread hop:
 * an idle message leaves at once, on the sender's thread), or to the transport's on-ready callback after it was not
 * ready. What may queue is bounded by a {@link QueueBudget}: messages, bytes of this stream, and bytes of all
 * streams of the process together. A message that does not fit either drops the reader (RESOURCE_EXHAUSTED, naming
 * the budget and its setting) or is refused ({@link #send} answers false) and the writer decides: fail one call, or
 * drop the peer.
 *
 * <p>Smart batching, once the peer said it understands batches ({@link #batchWith}): the writer takes everything
 * that waits when it gets to run; one message is sent as it is, several go in one batch frame (at most
 * {@link #MAX_BATCH_FRAMES} messages and {@link #MAX_BATCH_BYTES} bytes; the rest in the next). A sender on a Netty
 * event loop hands the role to the end of that loop's current round of work instead of writing at once: the frames
 * that one read of the socket carried then leave together, on the same thread.
 *
 * <p>Three kinds of messages: data ({@link #send}: counted in bytes), control frames ({@link #sendControl}: in
 * order with data, counted only as messages, so that a reader's backlog of data never refuses a command), and
 * liveness frames ({@link #sendUrgent}: heartbeats and their answers, written before anything queued, never
 * batched, so that data never delays them).
 *
 * <p>On the server side it takes the call's cancel handler (inbound observers still see the cancellation as
 * {@code onError}). On the client side it must be created inside {@code ClientResponseObserver.beforeStart}, because
 * gRPC only accepts the on-ready handler there.
 */
public final class OutboundStream<T extends MessageLite> {

    /** What a queued message costs beyond its encoded bytes (the queue entry, the message object). */
    static final int ENTRY_OVERHEAD_BYTES = 64;
    /** Messages in one batch at most; the contract states the same bound in each batch message. */
    public static final int MAX_BATCH_FRAMES = 256;
    /** Encoded bytes of the messages in one batch at most: far under the 4 MiB message limit, so a batch never
     *  nears it, and small enough that the first message of a batch does not wait long for its last. */
    public static final int MAX_BATCH_BYTES = 64 * 1024;

    private record Queued<T>(T message, long bytes) {}

    private final CallStreamObserver<T> observer;
    private final QueueBudget budget;
    private final ArrayDeque<Queued<T>> urgent = new ArrayDeque<>();
    private final ArrayDeque<Queued<T>> queue = new ArrayDeque<>();
    private final List<Runnable> onEnd = new ArrayList<>();
    private long queuedBytes;
    /** No more messages are taken: the stream ended, is ending, or completes once drained. */
    private boolean closed;
    private boolean completeWhenDrained;
    /** How the stream ends once what the transport takes is written; null while it does not end that way. */
    private Status failure;
    private Metadata failureTrailers;
    /** The observer was told the end (or the peer ended it): nothing is written any more. */
    private boolean ended;
    /** A thread holds the writer's role: only it calls the observer. */
    private boolean writing;
    /** Someone asked for the role while it was held: the holder looks again before it lets go. */
    private boolean writeAgain;
    /** The role is promised to a task at the end of an event loop's round. */
    private boolean writeScheduled;
    /** Wraps several messages in the peer's batch frame; null until the peer said it understands batches. */
    private volatile Function<List<T>, T> batch;

    public OutboundStream(CallStreamObserver<T> observer, QueueBudget budget) {
        this.observer = observer;
        this.budget = budget;
        observer.setOnReadyHandler(this::write);
        if (observer instanceof ServerCallStreamObserver<T> server) {
            // Without a cancel handler gRPC throws from onNext after the client cancelled; we just stop writing.
            server.setOnCancelHandler(this::abandon);
        }
    }

    /**
     * From now on, several messages waiting together are sent as one, wrapped by {@code wrap} in the stream's
     * batch frame: call it once the peer said it understands batches.
     */
    public void batchWith(Function<List<T>, T> wrap) {
        batch = wrap;
    }

    /** Whether messages waiting together go as one batch (the peer said it understands them). */
    public boolean batches() {
        return batch != null;
    }

    /**
     * Sends one data message, or queues it while the transport is not ready.
     *
     * @return false when the stream is closed or the message does not fit the budget (the reader was dropped, if
     *         the budget says so)
     */
    public boolean send(T message) {
        boolean taken;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (waiting() == 0 && observer.isReady()) {
                // It leaves as soon as the writer runs: nothing waits for the reader, so no budget is taken.
                queue.addLast(new Queued<>(message, 0));
                taken = true;
            } else {
                long bytes = (long) message.getSerializedSize() + ENTRY_OVERHEAD_BYTES;
                String over = overBudget(bytes);
                taken = over == null;
                if (taken) {
                    queuedBytes += bytes;
                    queue.addLast(new Queued<>(message, bytes));
                } else if (!refuse(over, bytes)) {
                    return false;
                }
            }
        }
        writeSoon();
        return taken;
    }

    /** Sends a control frame in order with data; only the budget's message count bounds it. */
    public boolean sendControl(T message) {
        return sendUncounted(message, false);
    }

    /** Sends a liveness frame ahead of every queued message; only the budget's message count bounds it. */
    public boolean sendUrgent(T message) {
        return sendUncounted(message, true);
    }

    private boolean sendUncounted(T message, boolean isUrgent) {
        boolean taken;
        synchronized (this) {
            if (closed) {
                return false;
            }
            taken = waiting() < budget.maxFrames();
            if (taken) {
                (isUrgent ? urgent : queue).addLast(new Queued<>(message, 0));
            } else if (!refuse(QueueBudget.FRAMES, 0)) {
                return false;
            }
        }
        if (isUrgent || !taken) {
            write();
        } else {
            writeSoon();
        }
        return taken;
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

    /** Refuses a message; true when the reader is dropped for it (the writer must then end the stream). */
    private boolean refuse(String over, long bytes) {
        if (!budget.dropReader()) {
            return false;
        }
        budget.onDrop().accept(over);
        String why = whyDropped(over, bytes);
        clear();
        failLocked(Status.RESOURCE_EXHAUSTED.withDescription(why), null);
        return true;
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
    public void complete() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            completeWhenDrained = true;
        }
        write();
    }

    /**
     * Ends the stream with an error status: what the transport takes at once of the queued messages is still
     * written (they were sent before the end), the rest is dropped.
     */
    public void fail(Status status) {
        fail(status, null);
    }

    /** Ends the stream with an error status and trailers (e.g. a leader hint), as {@link #fail(Status)} does. */
    public void fail(Status status, Metadata trailers) {
        synchronized (this) {
            if (!failLocked(status, trailers)) {
                return;
            }
        }
        write();
    }

    private boolean failLocked(Status status, Metadata trailers) {
        if (ended || failure != null) {
            return false;
        }
        closed = true;
        failure = status;
        failureTrailers = trailers;
        return true;
    }

    /** Marks the stream closed without writing to it: the peer or the transport already ended it. */
    public void abandon() {
        List<Runnable> actions;
        synchronized (this) {
            closed = true;
            clear();
            if (failure != null && writing) {
                // fail() found the writer's role taken (e.g. the registry thread writing an acknowledgement): the
                // holder sends the failure, which tells the peer why, and ends the stream once its write returns.
                return;
            }
            actions = endLocked();
        }
        actions.forEach(Runnable::run);
    }

    /**
     * Runs {@code action} once, when the stream ends in any way (completed, failed, cancelled by the peer); at once
     * when it has ended. Actions run in the order they were given.
     */
    public void whenEnded(Runnable action) {
        synchronized (this) {
            if (!ended) {
                onEnd.add(action);
                return;
            }
        }
        action.run();
    }

    /** Marks the stream ended and hands back what must run now, once. */
    private List<Runnable> endLocked() {
        if (ended) {
            return List.of();
        }
        ended = true;
        List<Runnable> actions = List.copyOf(onEnd);
        onEnd.clear();
        return actions;
    }

    public synchronized boolean isOpen() {
        return !closed;
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

    /**
     * Writes now, or, on an event loop once the peer takes batches, at the end of the loop's current round, so that
     * what that round sends on this stream leaves together.
     */
    private void writeSoon() {
        Executor loop = batch == null ? null : EventLoops.current();
        if (loop == null) {
            write();
            return;
        }
        synchronized (this) {
            if (writing || writeScheduled) {
                // The holder, or the promised task, writes what was just queued.
                writeAgain |= writing;
                return;
            }
            writeScheduled = true;
        }
        try {
            loop.execute(this::scheduledWrite);
        } catch (RejectedExecutionException shuttingDown) {
            // The loop takes no more tasks (it is shutting down): nothing may be left waiting for it.
            scheduledWrite();
        }
    }

    private void scheduledWrite() {
        synchronized (this) {
            writeScheduled = false;
        }
        write();
    }

    /**
     * Takes the writer's role, if free, and writes what waits while the transport is ready, then the end when it is
     * due. A caller that finds the role taken leaves at once: the holder looks again before letting go.
     */
    private void write() {
        synchronized (this) {
            if (writing) {
                writeAgain = true;
                return;
            }
            writing = true;
        }
        while (true) {
            T next;
            Runnable last = null;
            synchronized (this) {
                next = ended ? null : nextLocked();
                if (next == null) {
                    last = endIfDueLocked();
                    if (last == null && writeAgain) {
                        writeAgain = false;
                        continue;
                    }
                    writing = false;
                    writeAgain = false;
                }
            }
            if (next == null) {
                if (last != null) {
                    last.run();
                }
                return;
            }
            observer.onNext(next);
        }
    }

    /** The next message (or batch) to write, taken off the queue; null when nothing waits or the transport is full. */
    private T nextLocked() {
        if ((urgent.isEmpty() && queue.isEmpty()) || !observer.isReady()) {
            return null;
        }
        if (!urgent.isEmpty()) {
            return urgent.pollFirst().message();
        }
        Queued<T> first = queue.pollFirst();
        giveBack(first.bytes());
        Function<List<T>, T> wrap = batch;
        if (wrap == null || queue.isEmpty()) {
            return first.message();
        }
        List<T> frames = new ArrayList<>(Math.min(queue.size() + 1, MAX_BATCH_FRAMES));
        frames.add(first.message());
        long bytes = first.message().getSerializedSize();
        while (!queue.isEmpty() && frames.size() < MAX_BATCH_FRAMES) {
            T message = queue.peekFirst().message();
            bytes += message.getSerializedSize();
            if (bytes > MAX_BATCH_BYTES) {
                break;
            }
            giveBack(queue.pollFirst().bytes());
            frames.add(message);
        }
        return frames.size() == 1 ? first.message() : wrap.apply(frames);
    }

    /**
     * When the stream must end now (failed, or completed and drained), tells the observer and runs the actions
     * given to {@link #whenEnded}; null when it must not end yet. Runs after the role's last write.
     */
    private Runnable endIfDueLocked() {
        if (ended) {
            return null;
        }
        if (failure != null) {
            clear();
            Status status = failure;
            Metadata trailers = failureTrailers;
            List<Runnable> actions = endLocked();
            return () -> {
                observer.onError(trailers == null ? status.asRuntimeException() : status.asRuntimeException(trailers));
                actions.forEach(Runnable::run);
            };
        }
        if (completeWhenDrained && urgent.isEmpty() && queue.isEmpty()) {
            List<Runnable> actions = endLocked();
            return () -> {
                observer.onCompleted();
                actions.forEach(Runnable::run);
            };
        }
        return null;
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
