package dev.vnet.wire;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What one side of a gRPC stream received, in order, and how the stream ended: the observer the servers' in-process
 * tests hand to the generated stubs. Every wait has a bound, a failure bound and never a figure; a test that waits
 * longer fails and says what it waited for.
 */
public final class Received<T> implements StreamObserver<T> {

    /** How long a test waits for what must happen, unless it says otherwise. */
    public static final long WAIT_SECONDS = 10;

    private final BlockingQueue<T> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public void onNext(T message) {
        messages.add(message);
    }

    @Override
    public void onError(Throwable failure) {
        end.complete(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }

    /** The next message; fails the test if none comes in time. */
    public T next() {
        return next(message -> true);
    }

    /** The next message that {@code wanted} accepts, skipping others (pings, say); fails the test if none comes. */
    public T next(Predicate<T> wanted) {
        try {
            return poll(messages, wanted, WAIT_SECONDS);
        } catch (AssertionError none) {
            throw new AssertionError(none.getMessage() + "; stream ended: " + end.getNow(null));
        }
    }

    public boolean ended() {
        return end.isDone();
    }

    /** How the stream ended; fails the test if it does not end in time. */
    public Status end() {
        return end(WAIT_SECONDS);
    }

    /** How the stream ended; fails the test if it does not end within {@code seconds}. */
    public Status end(long seconds) {
        try {
            return end.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream did not end within " + seconds + " s", e);
        }
    }

    /** The next element of {@code queue} that {@code wanted} accepts, skipping others; fails if none comes in time. */
    public static <T> T poll(BlockingQueue<T> queue, Predicate<T> wanted, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                T message = queue.poll(left, TimeUnit.NANOSECONDS);
                if (message != null && wanted.test(message)) {
                    return message;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no wanted message within " + seconds + " s");
    }
}
