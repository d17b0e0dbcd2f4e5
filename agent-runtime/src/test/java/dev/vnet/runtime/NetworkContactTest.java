package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Out of touch with the network for longer than the alive timeout: fenced until registered again. */
class NetworkContactTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final NetworkContact contact = new NetworkContact(now::get);

    @Test
    void aSilenceShorterThanTheAliveTimeoutDoesNotFence() {
        now.addAndGet(2 * SECOND);
        contact.heard();
        now.addAndGet(2 * SECOND);

        assertThat(contact.fenced()).isFalse();
    }

    @Test
    void aSilenceLongerThanTheAliveTimeoutFencesUntilRegisteredAgainEvenIfTheNetworkIsHeardMeanwhile() {
        now.addAndGet(4 * SECOND);
        assertThat(contact.fenced()).isTrue();

        contact.heard();
        assertThat(contact.lost()).isFalse();
        assertThat(contact.fenced()).as("hearing from the network is not the check").isTrue();

        contact.registered();
        assertThat(contact.fenced()).isFalse();
    }

    @Test
    void aFrozenProcessIsFencedWhenItWakesWhicheverThreadLooksFirst() {
        // SIGSTOP for 5 s: on waking the heartbeat forgives its own stall, a frame that waited is read...
        now.addAndGet(5 * SECOND);
        contact.forgive(4 * SECOND);
        assertThat(contact.lost()).as("the stall is not the network's silence").isFalse();
        assertThat(contact.fenced()).as("but the network may have moved the copies meanwhile").isTrue();
    }

    @Test
    void aFrameThatArrivesAfterALongSilenceFences() {
        now.addAndGet(5 * SECOND);
        contact.heard();

        assertThat(contact.fenced()).isTrue();
    }

    @Test
    void theAliveTimeoutIsTheNetworks() {
        contact.aliveTimeout(Duration.ofSeconds(10));
        now.addAndGet(5 * SECOND);

        assertThat(contact.fenced()).isFalse();
    }
}
