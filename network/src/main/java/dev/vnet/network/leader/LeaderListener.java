package dev.vnet.network.leader;

import dev.vnet.proto.v1.LeaderInfo;

/** What the election tells {@link Leadership}. Called on the election thread. */
public interface LeaderListener {

    /**
     * This replica took the lock and the epoch: it leads now. Answers false when it could not take up the work
     * (e.g. the store could not be read); the election then releases the lock and tries again later.
     *
     * @param continuing true when this replica led without interruption before (its lock session was renewed)
     */
    boolean elected(long epoch, boolean continuing);

    /** This replica no longer leads (or must assume so): stop serving at once. */
    void deposed(String reason);

    /** Who leads now, as the standby sees it: for the hint given to clients and agents. */
    void leaderIs(LeaderInfo leader);
}
