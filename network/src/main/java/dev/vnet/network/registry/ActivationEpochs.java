package dev.vnet.network.registry;

import java.time.InstantSource;

/**
 * Hands out activation epochs: strictly increasing, and larger than any this network handed out before it
 * restarted, so that a copy started by an earlier coordinator can never pass for the current activation. Seeded
 * from the clock in microseconds, and raised past any epoch an agent reports.
 */
final class ActivationEpochs {

    private long last;

    ActivationEpochs(InstantSource clock) {
        this.last = clock.millis() * 1000;
    }

    long next() {
        return ++last;
    }

    /** Makes sure future epochs are larger than one seen elsewhere (e.g. reported by a re-registering agent). */
    void observe(long epoch) {
        last = Math.max(last, epoch);
    }
}
