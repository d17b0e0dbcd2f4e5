package dev.vnet.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A process-wide budget of bytes that many {@link OutboundStream}s queue for slow readers, so that the sum stays
 * bounded however many streams there are. Streams take bytes when they queue a message and give them back when it
 * is written or dropped.
 */
public final class SharedBytes {

    private final AtomicLong used = new AtomicLong();
    private final long max;
    private final String setting;

    /**
     * @param max bytes all streams together may queue
     * @param setting the configuration key that sets {@code max}, named when a stream is dropped for it
     */
    public SharedBytes(long max, String setting) {
        if (max < 1) {
            throw new IllegalArgumentException(setting + " must be positive, not " + max);
        }
        this.max = max;
        this.setting = setting;
    }

    /** Takes {@code bytes} if they fit, else takes nothing and answers false. */
    boolean tryTake(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > max) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes queued now, by all streams. */
    public long used() {
        return used.get();
    }

    public long max() {
        return max;
    }

    String setting() {
        return setting;
    }
}
