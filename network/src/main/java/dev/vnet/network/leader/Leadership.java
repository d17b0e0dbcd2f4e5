package dev.vnet.network.leader;

import dev.vnet.network.leader.LeaderState.Phase;
import dev.vnet.proto.v1.LeaderInfo;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.lang.System.Logger.Level;

/**
 * Whether this replica leads, and with which epoch: the one place that decides it. The election ({@link LeaderElection},
 * through {@link LeaderListener}) and the store's fence ({@link #fenced}) feed it; the serving gate, the gRPC health
 * status, the registry and the store writer listen to it ({@link LeadershipListener}).
 *
 * <pre>
 * from                 input                              to
 * STARTING             joined                             STANDING_BY
 * STANDING_BY, DEPOSED leaderIs(L)                        the same, pointing at L
 * STANDING_BY, DEPOSED elected(E)                         RESTORING(E), then SERVING(E)
 * RESTORING(E)         a listener fails, or the fence     DEPOSED (the election lets go of the lock)
 * SERVING(E)           elected(E' &gt; E), continuing        SERVING(E'): a new term, registry kept
 * RESTORING, SERVING   deposed(reason)                    DEPOSED(reason)
 * SERVING(E)           fenced                             asks the election to step down: DEPOSED
 * any but STOPPED      stop                               STOPPED
 * </pre>
 *
 * Everything else is refused and changes nothing: an election before joining or after stopping, a deposition or a
 * fence while not leading. An election the machine cannot square with what it knows (a "continuing" term it does not
 * serve, an epoch that does not grow, an election while restoring) deposes: the replica gives up the lock rather than
 * lead with an epoch it cannot trust.
 *
 * <p>Transitions are serialized (one at a time, listeners called as {@link LeadershipListener} says); {@link #state()}
 * and {@link #fenced} never wait, so that the hot path and the store writer's thread can use them.
 */
public final class Leadership implements LeaderListener {

    private static final System.Logger LOG = System.getLogger(Leadership.class.getName());
    private static final String COULD_NOT_RESTORE = "it could not restore its registry";

    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private volatile LeaderState state = LeaderState.STARTING;
    /** This replica's endpoint, known once it joins the election. */
    private volatile String self = "";
    /** Asks the election to step down, from any thread; known once this replica joins the election. */
    private volatile Consumer<String> stepDown = reason -> { };
    /** The newer epoch the store's fence found during the current term, 0 while none. */
    private volatile long fencedBy;

    /** Adds a listener, called after those added before it; add them all before {@link #joined}. */
    public void listen(LeadershipListener listener) {
        listeners.add(listener);
    }

    public LeaderState state() {
        return state;
    }

    /** The epoch this replica serves with; 0 while it does not serve (also while it restores). */
    public long servingEpoch() {
        LeaderState now = state;
        return now.phase() == Phase.SERVING ? now.epoch() : 0;
    }

    /**
     * This replica's store answered and it stands for election now.
     *
     * @param endpoint where callers reach this replica (host:port), named to them while it leads
     * @param stepDown how to make the election give up the lock, from any thread
     * @return false when it may not join any more (it was stopped meanwhile, or joined before)
     */
    public synchronized boolean joined(String endpoint, Consumer<String> stepDown) {
        if (state.phase() != Phase.STARTING) {
            LOG.log(Level.DEBUG, String.format("joining the election while %s: ignored", state.phase()));
            return false;
        }
        this.self = endpoint;
        this.stepDown = stepDown;
        notifyQuietly(new LeaderState(Phase.STANDING_BY, 0, "", ""));
        return true;
    }

    @Override
    public synchronized boolean elected(long epoch, boolean continuing) {
        LeaderState now = state;
        if (now.phase() == Phase.STARTING || now.phase() == Phase.STOPPED) {
            LOG.log(Level.WARNING, String.format("elected with epoch %d while %s: refused", epoch, now.phase()));
            return false;
        }
        String doubt = now.phase() == Phase.RESTORING ? "elected again (epoch " + epoch + ") while restoring epoch "
                        + now.epoch()
                : continuing != (now.phase() == Phase.SERVING) ? "the election says it " + (continuing
                        ? "continues a term" : "begins a new term") + " while this replica is " + now.phase()
                : continuing && epoch <= now.epoch() ? "elected with epoch " + epoch + ", not above its current "
                        + now.epoch()
                : null;
        if (doubt != null) {
            LOG.log(Level.ERROR, String.format("leadership refused: %s", doubt));
            depose(doubt);
            return false;
        }
        fencedBy = 0;
        if (continuing) {
            return take(new LeaderState(Phase.SERVING, epoch, self, ""));
        }
        return take(new LeaderState(Phase.RESTORING, epoch, self, ""))
                && take(new LeaderState(Phase.SERVING, epoch, self, ""));
    }

    /** Moves into (or on in) leadership; a failing listener, or a fence that found a newer epoch, deposes. */
    private boolean take(LeaderState next) {
        long newer = fencedBy;
        if (newer != 0) {
            depose(fenceReason(newer, state.epoch()));
            return false;
        }
        LeaderState from = state;
        state = next;
        for (LeadershipListener listener : listeners) {
            Exception failed = tell(listener, from, next);
            if (failed != null) {
                LOG.log(Level.WARNING, String.format(
                        "cannot take up leadership with epoch %d: %s", next.epoch(), failed));
                depose(COULD_NOT_RESTORE);
                return false;
            }
            if (state != next) {
                // A listener fed the machine (an election while restoring): what it decided stands.
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void deposed(String reason) {
        if (!state.leads()) {
            LOG.log(Level.DEBUG, String.format("deposed while %s (%s): nothing to give up", state.phase(), reason));
            return;
        }
        depose(reason);
    }

    private void depose(String reason) {
        notifyQuietly(new LeaderState(Phase.DEPOSED, 0, "", reason));
    }

    @Override
    public synchronized void leaderIs(LeaderInfo leader) {
        LeaderState now = state;
        boolean standsBy = now.phase() == Phase.STANDING_BY || now.phase() == Phase.DEPOSED;
        if (standsBy && !now.leader().equals(leader.getEndpoint())) {
            notifyQuietly(now.withLeader(leader.getEndpoint()));
        }
    }

    /**
     * The store writer found the leader epoch in the store at {@code storeEpoch}, not this replica's: another
     * replica took over. Any thread, never waits: the election is asked to step down, and a restore in progress does
     * not open the gate.
     */
    public void fenced(long storeEpoch) {
        LeaderState now = state;
        if (!now.leads()) {
            return;
        }
        fencedBy = storeEpoch;
        stepDown.accept(fenceReason(storeEpoch, now.epoch()));
    }

    private static String fenceReason(long storeEpoch, long epoch) {
        return "the store's leader epoch is " + storeEpoch + ", not " + epoch;
    }

    /** The process is shutting down: every listener winds down, and nothing changes after this. */
    public synchronized void stop() {
        if (state.phase() != Phase.STOPPED) {
            notifyQuietly(new LeaderState(Phase.STOPPED, 0, "", ""));
        }
    }

    /** A move nothing may stop half-way: every listener is called, whatever the others do. */
    private void notifyQuietly(LeaderState next) {
        LeaderState from = state;
        state = next;
        for (LeadershipListener listener : listeners) {
            Exception failed = tell(listener, from, next);
            if (failed != null) {
                LOG.log(Level.ERROR, String.format(
                        "reacting to %s failed (%s); the other parts go on", next.phase(), failed));
            }
        }
    }

    /** Calls one listener; what it threw, or null. */
    private static Exception tell(LeadershipListener listener, LeaderState from, LeaderState next) {
        try {
            listener.leadershipChanged(from, next);
            return null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return e;
        }
    }
}
