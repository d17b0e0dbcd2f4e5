package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Pings at every beat; a peer silent past the deadline is declared silent once, and the beats stop. */
class StreamLivenessTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final AtomicInteger pings = new AtomicInteger();
    private final List<Long> silences = new ArrayList<>();
    private final StreamLiveness liveness = new StreamLiveness(now::get, Duration.ofSeconds(3), pings::incrementAndGet,
            silences::add);

    @Test
    void aPeerThatIsHeardIsPingedAtEveryBeatAndNeverDeclaredSilent() {
        for (int beat = 0; beat < 10; beat++) {
            now.addAndGet(SECOND);
            liveness.heard();
            liveness.beat();
        }

        assertThat(pings).hasValue(10);
        assertThat(silences).isEmpty();
    }

    @Test
    void aPeerSilentPastTheDeadlineIsDeclaredSilentOnceWithHowLongAndNotPingedAgain() {
        now.addAndGet(3 * SECOND);
        liveness.beat();
        assertThat(silences).as("exactly the deadline is not past it").isEmpty();

        now.addAndGet(SECOND / 2);
        liveness.beat();
        now.addAndGet(SECOND);
        liveness.heard();
        liveness.beat();

        assertThat(silences).containsExactly(3_500L);
        assertThat(pings).as("pinged before the deadline only").hasValue(1);
        assertThat(liveness.isStopped()).isTrue();
    }

    @Test
    void hearingFromThePeerStartsItsDeadlineAgain() {
        now.addAndGet(2 * SECOND);
        liveness.heard();
        now.addAndGet(2 * SECOND);
        liveness.beat();

        assertThat(silences).isEmpty();
    }

    @Test
    void aStoppedStreamNeitherPingsNorIsDeclaredSilent() {
        liveness.stop();
        now.addAndGet(10 * SECOND);
        liveness.beat();

        assertThat(pings).hasValue(0);
        assertThat(silences).isEmpty();
    }

    @Test
    void withoutADeadlineOnlyPingsGoOut() {
        StreamLiveness pingOnly = new StreamLiveness(now::get, Duration.ZERO, pings::incrementAndGet, null);
        now.addAndGet(3600 * SECOND);
        pingOnly.beat();

        assertThat(pings).hasValue(1);
        assertThat(pingOnly.isStopped()).isFalse();
    }

    @Test
    void withoutPingsOnlyTheDeadlineIsWatched() {
        StreamLiveness listenOnly = new StreamLiveness(now::get, Duration.ofSeconds(3), null, silences::add);
        now.addAndGet(SECOND);
        listenOnly.beat();
        now.addAndGet(3 * SECOND);
        listenOnly.beat();

        assertThat(silences).containsExactly(4_000L);
    }

    @Test
    void aRequestedIntervalIsZeroOrWithinTheDocumentedBounds() {
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", 0)).isNull();
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", 100)).isNull();
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", 60_000)).isNull();
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", 99))
                .isEqualTo("ping_interval_ms must be 0 (no pings) or between 100 and 60000 ms, not 99");
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", 60_001)).contains("not 60001");
        assertThat(StreamLiveness.intervalProblem("ping_interval_ms", -1)).contains("not -1");
    }
}
