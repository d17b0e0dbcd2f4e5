package dev.vnet.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps a fixed number of calls in flight: each completion issues the next call. Latencies are recorded (in
 * nanoseconds) only after the warm-up; throughput is completed calls over the measured time.
 */
final class ClosedLoop {

    /** What one measured phase produced. */
    record Outcome(Histogram latencies, long errors, double seconds, String firstError) {
        double throughput() {
            return latencies.getTotalCount() / seconds;
        }
    }

    private final Recorder recorder = new Recorder(3);
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong errors = new AtomicLong();
    private volatile String firstError;
    private final Supplier<CompletableFuture<?>> call;
    private final CountDownLatch stopped;

    private ClosedLoop(Supplier<CompletableFuture<?>> call, int inFlight) {
        this.call = call;
        this.stopped = new CountDownLatch(inFlight);
    }

    /**
     * Runs {@code call} with {@code inFlight} calls always outstanding: {@code warmup} unmeasured, then
     * {@code duration} measured. {@code beforeMeasuring} runs between the two (to sample process counters).
     */
    static Outcome run(Supplier<CompletableFuture<?>> call, int inFlight, Duration warmup, Duration duration,
            Runnable beforeMeasuring) throws InterruptedException {
        ClosedLoop loop = new ClosedLoop(call, inFlight);
        for (int i = 0; i < inFlight; i++) {
            loop.next();
        }
        Thread.sleep(warmup.toMillis());
        beforeMeasuring.run();
        loop.recorder.reset();
        loop.errors.set(0);
        loop.measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        Histogram latencies = loop.recorder.getIntervalHistogram();
        double seconds = (System.nanoTime() - start) / 1e9;
        loop.measuring.set(false);
        loop.stopping.set(true);
        loop.stopped.await(30, TimeUnit.SECONDS);
        return new Outcome(latencies, loop.errors.get(), seconds, loop.firstError);
    }

    /** Issues calls until one is still pending (then its completion continues the chain) or the loop stops. */
    private void next() {
        while (true) {
            if (stopping.get()) {
                stopped.countDown();
                return;
            }
            long started = System.nanoTime();
            CompletableFuture<?> pending;
            try {
                pending = call.get();
            } catch (RuntimeException e) {
                pending = CompletableFuture.failedFuture(e);
            }
            if (!pending.isDone()) {
                pending.whenComplete((value, failure) -> {
                    record(started, failure);
                    next();
                });
                return;
            }
            pending.handle((value, failure) -> {
                record(started, failure);
                return null;
            });
        }
    }

    private void record(long started, Throwable failure) {
        if (!measuring.get()) {
            return;
        }
        if (failure == null) {
            recorder.recordValue(System.nanoTime() - started);
        } else {
            errors.incrementAndGet();
            if (firstError == null) {
                firstError = String.valueOf(failure);
            }
        }
    }
}
