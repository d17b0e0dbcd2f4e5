package dev.vnet.network.registry;

/**
 * Whether the coordinator may act on its registry now. A leader whose lease ran out by its own clock (it was paused
 * longer than the lease: SIGSTOP, a long GC pause, a suspended VM) may already have been replaced: until its election
 * has checked, it declares no agent dead, moves nothing, registers nobody, writes nothing and serves nothing.
 */
public interface Mandate {

    /** Never in doubt: a registry used on its own (tests, tools). */
    Mandate UNCONDITIONAL = new Mandate() {
        @Override
        public boolean inDoubt() {
            return false;
        }

        @Override
        public void awaitSettled(long maxMillis) {
            // never in doubt: nothing to wait for
        }
    };

    /** True while this coordinator led, its lease has run out by its own clock, and it has not yet renewed it. */
    boolean inDoubt();

    /** Waits at most {@code maxMillis} for the doubt to be settled: the lease renewed, or the leadership given up. */
    void awaitSettled(long maxMillis) throws InterruptedException;
}
