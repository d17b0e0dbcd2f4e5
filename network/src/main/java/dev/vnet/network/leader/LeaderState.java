package dev.vnet.network.leader;

/**
 * Where this replica stands in the leadership, as {@link Leadership} last decided it.
 *
 * @param phase  what this replica does now
 * @param epoch  the leader epoch it leads with while {@link Phase#RESTORING} or {@link Phase#SERVING}; else 0
 * @param leader where callers turned away should go (host:port): this replica while it leads, the leader the
 *               election last saw while it stands by, empty when unknown
 * @param reason why it was deposed (while {@link Phase#DEPOSED}); else empty
 */
public record LeaderState(Phase phase, long epoch, String leader, String reason) {

    public enum Phase {
        /** The process is up but has not joined the election yet: its store (PostgreSQL) has not answered. */
        STARTING,
        /** In the election, another replica leads (or nobody yet). */
        STANDING_BY,
        /** Elected with {@link #epoch}: the registry is being restored from the store; callers ask again soon. */
        RESTORING,
        /** Leads with {@link #epoch} and lets clients and agents in. */
        SERVING,
        /** Led, and no longer does ({@link #reason}); stands by again, with its registry forgotten. */
        DEPOSED,
        /** The process is shutting down; nothing changes any more. */
        STOPPED
    }

    static final LeaderState STARTING = new LeaderState(Phase.STARTING, 0, "", "");

    /** Whether this replica holds a leader epoch: restoring or serving. */
    public boolean leads() {
        return phase == Phase.RESTORING || phase == Phase.SERVING;
    }

    LeaderState withLeader(String endpoint) {
        return new LeaderState(phase, epoch, endpoint, reason);
    }
}
