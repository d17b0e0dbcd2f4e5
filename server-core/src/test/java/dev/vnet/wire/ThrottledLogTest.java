package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    /** Records what was logged. */
    private static final class Recording implements Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            lines.add(message);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }

    private final Recording logger = new Recording();
    private final AtomicLong now = new AtomicLong(1);
    private final ThrottledLog log = new ThrottledLog(logger, TimeUnit.SECONDS.toNanos(1), now::get);

    @Test
    void logsACauseAtMostOnceASecondAndCountsWhatItLeftOut() {
        for (int i = 0; i < 100; i++) {
            log.log(Level.WARNING, "garbage", () -> "bad bytes");
        }
        assertThat(logger.lines).containsExactly("bad bytes");

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
        log.log(Level.WARNING, "garbage", () -> "bad bytes");

        assertThat(logger.lines).containsExactly("bad bytes",
                "bad bytes (99 more like it since the last one were not logged)");
    }

    @Test
    void eachCauseHasItsOwnSecond() {
        assertThat(log.log(Level.WARNING, "a", () -> "first a")).isTrue();
        assertThat(log.log(Level.WARNING, "b", () -> "first b")).isTrue();
        assertThat(log.log(Level.WARNING, "a", () -> "second a")).isFalse();

        assertThat(logger.lines).containsExactly("first a", "first b");
    }

    @Test
    void inventedCausesCannotGrowItWithoutBound() {
        for (int i = 0; i < 10 * ThrottledLog.MAX_CAUSES; i++) {
            log.log(Level.WARNING, "cause-" + i, () -> "x");
        }
        assertThat(logger.lines).hasSize(10 * ThrottledLog.MAX_CAUSES);
        assertThat(log.log(Level.WARNING, "cause-1", () -> "again")).as("forgotten, so logged").isTrue();
    }
}
