package dev.vnet.network.registry;

/**
 * Hands out activation epochs: the leader epoch in the high 32 bits and a counter in the low ones. Every new
 * leader has a larger leader epoch (taken in the store), so its activations outrank every activation of every
 * earlier coordinator, and a copy started by one of them can never pass for the current activation.
 */
final class ActivationEpochs {

    private long last;

    ActivationEpochs(long leaderEpoch) {
        this.last = leaderEpoch << 32;
    }

    long next() {
        return ++last;
    }

    /** Makes sure future epochs are larger than one seen elsewhere (e.g. reported by a re-registering agent). */
    void observe(long epoch) {
        last = Math.max(last, epoch);
    }
}
