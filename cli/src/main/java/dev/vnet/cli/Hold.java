package dev.vnet.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the CLI (and so its session and what it got) alive until a duration passes or the process is told to stop
 * (Ctrl-C, SIGTERM). Then the command releases what it holds and says so before the process ends: the shutdown
 * hook waits for {@link #close()}, within a bound.
 */
final class Hold implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook;

    private Hold(Duration releaseBound) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                released.await(releaseBound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vnet-hold");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts holding {@code uuid}; {@code duration} zero means until the process is stopped. The shutdown hook
     * gives the release {@code releaseBound}.
     */
    static Hold start(String uuid, Duration duration, Duration releaseBound, PrintWriter err) {
        err.println("holding " + uuid + (duration.isZero() ? " until Ctrl-C"
                : " for " + DurationConverter.format(duration) + " (Ctrl-C releases it sooner)"));
        err.flush();
        return new Hold(releaseBound);
    }

    /** Waits until {@code duration} has passed (zero: for ever) or the process is being stopped. */
    void await(Duration duration) throws InterruptedException {
        if (duration.isZero()) {
            stop.await();
        } else {
            stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The release is done (or failed): a stopping process may end now. */
    @Override
    public void close() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it returns now that the release is done.
        }
    }
}
