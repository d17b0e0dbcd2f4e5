package dev.vnet.wire;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The liveness of one long-lived stream, on either side: at every beat of an interval it pings the peer, and once
 * nothing has been heard from the peer for longer than a deadline it declares the stream silent, once, and stops.
 *
 * <p>A frozen peer (SIGSTOP, a long GC pause, a paused VM) keeps its TCP connection, so a stream to it neither ends
 * nor errs: without pings in both directions, a quiet stream and a dead peer look alike for ever. Transport keepalive
 * pings cannot stand in: gRPC servers throttle them. So liveness is an application message, sent ahead of queued data
 * ({@link OutboundStream#sendUrgent}) so that a backlog never delays it.
 */
public final class StreamLiveness {

    /** The shortest ping interval a peer may ask for: below it pings would be most of the traffic. */
    public static final long MIN_PING_INTERVAL_MS = 100;
    /** The longest ping interval a peer may ask for. */
    public static final long MAX_PING_INTERVAL_MS = 60_000;

    private final LongSupplier nanos;
    private final long deadlineNanos;
    private final Runnable ping;
    private final LongConsumer silent;
    private volatile long lastHeardNanos;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> beats;

    /**
     * @param nanos a monotonic clock ({@code System::nanoTime})
     * @param deadline how long the peer may stay silent; zero for no deadline (the peer cannot send)
     * @param ping sends one ping; null when this side sends none (it cannot send on the stream)
     * @param silent told, once, how many milliseconds the peer had been silent when the deadline passed; null when
     *        there is no deadline
     */
    StreamLiveness(LongSupplier nanos, Duration deadline, Runnable ping, LongConsumer silent) {
        this.nanos = nanos;
        this.deadlineNanos = deadline.toNanos();
        this.ping = ping;
        this.silent = silent;
        this.lastHeardNanos = nanos.getAsLong();
    }

    /**
     * Starts beating every {@code interval} on {@code scheduler}; the silence is measured from now.
     *
     * @see #StreamLiveness(LongSupplier, Duration, Runnable, LongConsumer)
     */
    public static StreamLiveness start(ScheduledExecutorService scheduler, Duration interval, Duration deadline,
            Runnable ping, LongConsumer silent) {
        StreamLiveness liveness = new StreamLiveness(System::nanoTime, deadline, ping, silent);
        long everyMs = interval.toMillis();
        liveness.beats = scheduler.scheduleWithFixedDelay(liveness::beat, everyMs, everyMs, TimeUnit.MILLISECONDS);
        if (liveness.stopped) {
            // Stopped while it was being scheduled.
            liveness.beats.cancel(false);
        }
        return liveness;
    }

    /** Something came from the peer: its deadline starts again. */
    public void heard() {
        lastHeardNanos = nanos.getAsLong();
    }

    /** One beat of the interval: declares a peer silent past its deadline (and stops), or pings it. */
    void beat() {
        if (stopped) {
            return;
        }
        long silentNanos = nanos.getAsLong() - lastHeardNanos;
        if (deadlineNanos > 0 && silentNanos > deadlineNanos) {
            stop();
            silent.accept(TimeUnit.NANOSECONDS.toMillis(silentNanos));
        } else if (ping != null) {
            ping.run();
        }
    }

    /** No more pings and no deadline: the stream ended. Idempotent. */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> scheduled = beats;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    public boolean isStopped() {
        return stopped;
    }

    /**
     * What is wrong with a ping interval a peer asked for, or null when it is fine; 0 asks for no pings.
     *
     * @param field the field's name, for the message
     */
    public static String intervalProblem(String field, long intervalMs) {
        if (intervalMs == 0 || intervalMs >= MIN_PING_INTERVAL_MS && intervalMs <= MAX_PING_INTERVAL_MS) {
            return null;
        }
        return field + " must be 0 (no pings) or between " + MIN_PING_INTERVAL_MS + " and " + MAX_PING_INTERVAL_MS
                + " ms, not " + intervalMs;
    }
}
