package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

    @RepeatedTest(20)
    void delaysGrowUpToTheMaximumAndStartOverAfterAReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int attempt = 0; attempt < 10; attempt++) {
            long ceiling = Math.min(2000, 100L << attempt);
            assertThat(backoff.nextDelayMillis()).isBetween(1L, ceiling);
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(1L, 100L);
    }
}
