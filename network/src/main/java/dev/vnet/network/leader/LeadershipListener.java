package dev.vnet.network.leader;

/**
 * A part of the coordinator that reacts to this replica's leadership: the serving gate, the gRPC health status, the
 * registry and what it feeds, the store writer.
 *
 * <p>{@link Leadership} calls its listeners one transition at a time, each transition to every listener in the order
 * they were added, on the thread that fed the transition (the election's thread for elections and depositions, the
 * start-up thread for joining the election, the shutdown thread for stopping), while no other transition can begin.
 * By the time a listener is called, {@link Leadership#state()} already answers {@code to}.
 */
public interface LeadershipListener {

    /**
     * Reacts to the move from {@code from} to {@code to}. A failure while this replica takes up leadership (entering
     * {@code RESTORING} or {@code SERVING}, or a new term) deposes it; a failure on the way out is logged, and the
     * remaining listeners are still called.
     */
    void leadershipChanged(LeaderState from, LeaderState to) throws Exception;
}
