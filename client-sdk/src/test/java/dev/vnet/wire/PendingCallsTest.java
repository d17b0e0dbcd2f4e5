package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingCallsTest {

    private final PendingCalls<String> calls = new PendingCalls<>();

    @Test
    void aCallIsCompletedByWhoeverTakesItFirstAndOnlyOnce() {
        calls.put(1, "one", 1_000);

        assertThat(calls.take(1)).isEqualTo("one");
        assertThat(calls.take(1)).isNull();
        List<String> expired = new ArrayList<>();
        calls.expire(5_000, expired::add);
        assertThat(expired).isEmpty();
    }

    @Test
    void expireTakesOnlyCallsPastTheirDeadline() {
        calls.put(1, "early", 1_000);
        calls.put(2, "late", 9_000);
        List<String> expired = new ArrayList<>();

        calls.expire(5_000, expired::add);

        assertThat(expired).containsExactly("early");
        assertThat(calls.size()).isEqualTo(1);
        assertThat(calls.take(2)).isEqualTo("late");
    }

    @Test
    void drainTakesEverything() {
        calls.put(1, "a", 1);
        calls.put(2, "b", 2);
        List<String> drained = new ArrayList<>();

        calls.drain(drained::add);

        assertThat(drained).containsExactlyInAnyOrder("a", "b");
        assertThat(calls.size()).isZero();
    }
}
