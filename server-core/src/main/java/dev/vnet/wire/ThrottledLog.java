package dev.vnet.wire;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Logs what peers can cause as often as they like (garbage on the wire, say) at most once a second per cause, with a
 * count of what was left out meanwhile: a flood of bad input must neither fill the disk nor hide everything else.
 */
public final class ThrottledLog {

    /** Causes remembered at once; past that, all are forgotten (a peer that invents causes gains nothing). */
    static final int MAX_CAUSES = 1024;

    private static final class Window {
        long lastLoggedNanos;
        long suppressed;
    }

    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public ThrottledLog(Logger logger) {
        this(logger, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
    }

    ThrottledLog(Logger logger, long intervalNanos, LongSupplier nanoTime) {
        this.logger = logger;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code message} unless something with the same {@code cause} was logged less than a second ago.
     *
     * @return whether it was logged
     */
    public boolean log(Level level, String cause, Supplier<String> message) {
        if (windows.size() >= MAX_CAUSES && !windows.containsKey(cause)) {
            windows.clear();
        }
        Window window = windows.computeIfAbsent(cause, c -> new Window());
        long now = nanoTime.getAsLong();
        long suppressed;
        synchronized (window) {
            if (window.lastLoggedNanos != 0 && now - window.lastLoggedNanos < intervalNanos) {
                window.suppressed++;
                return false;
            }
            window.lastLoggedNanos = now == 0 ? 1 : now;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        logger.log(level, () -> message.get() + (suppressed == 0 ? ""
                : " (" + suppressed + " more like it since the last one were not logged)"));
        return true;
    }
}
