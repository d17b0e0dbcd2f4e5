package dev.vnet.network;

import dev.vnet.network.leader.LeaderElection;
import dev.vnet.network.leader.Leadership;
import dev.vnet.network.store.StoreConfig;
import dev.vnet.network.store.StoreReader;
import dev.vnet.wire.ColdStart;
import io.smallrye.faulttolerance.api.Guard;
import java.lang.System.Logger.Level;
import java.time.temporal.ChronoUnit;
import org.flywaydb.core.Flyway;

/**
 * How a replica gets into the election: on its own thread, it migrates the schema and warms up what a takeover
 * would otherwise pay for, then joins. Until PostgreSQL answers, a SmallRye Fault Tolerance retry guard tries
 * again every retry interval (with jitter), for as long as it takes: a replica that cannot reach its store has
 * nothing else to do, and giving up would only leave a process that never becomes ready. Readiness stays DOWN
 * meanwhile, naming the problem ({@link #problem()}).
 */
final class ElectionStartup {

    private static final System.Logger LOG = System.getLogger(ElectionStartup.class.getName());

    private final Flyway flyway;
    private final StoreReader store;
    private final String databaseUrl;
    private final StoreConfig config;
    private final Leadership leadership;
    private final LeaderElection election;
    private final String endpoint;
    private final Guard untilTheStoreAnswers;
    private final Thread thread = new Thread(this::join, "vnet-startup");
    /** Why the last attempt failed; null before the first and once joined. Read by the readiness check. */
    private volatile String problem;
    /** Attempts that failed so far; written on the start-up thread. */
    private volatile long failedAttempts;
    /** The last problem logged at WARNING: a problem that repeats itself is logged again only at DEBUG. */
    private String loggedProblem;

    /** @param endpoint where callers reach this replica, named to them while it leads */
    ElectionStartup(Flyway flyway, StoreReader store, String databaseUrl, StoreConfig config, Leadership leadership,
            LeaderElection election, String endpoint) {
        this.flyway = flyway;
        this.store = store;
        this.databaseUrl = databaseUrl;
        this.config = config;
        this.leadership = leadership;
        this.election = election;
        this.endpoint = endpoint;
        this.untilTheStoreAnswers = Guard.create()
                .withDescription("joining the leader election")
                .withRetry()
                    .maxRetries(-1)
                    // No maximum duration: see the class comment.
                    .maxDuration(0, ChronoUnit.MILLIS)
                    .delay(config.retryInterval().toMillis(), ChronoUnit.MILLIS)
                    .jitter(config.retryJitter().toMillis(), ChronoUnit.MILLIS)
                    // Shutdown interrupts the start-up thread: that ends the attempts rather than failing one.
                    .abortOn(InterruptedException.class)
                    .done()
                .build();
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Gives up joining (shutdown); a replica that has joined already is not affected. */
    void stop() {
        thread.interrupt();
    }

    /** Why this replica has not joined the election yet, with the attempts so far; null when nothing failed. */
    String problem() {
        String last = problem;
        // Worded unlike the log line: SmallRye Health logs a DOWN report, and the problem is logged once.
        return last == null ? null : String.format("cannot use PostgreSQL at %s yet (%s): %d attempts failed; trying "
                + "again every %d ms (vnet.store.retry-interval)", databaseUrl, last, failedAttempts,
                config.retryInterval().toMillis());
    }

    private void join() {
        // A standby that is elected routes at once: its first request must not build the contract's descriptors.
        ColdStart.warmUp();
        try {
            untilTheStoreAnswers.call(() -> {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("shutting down");
                }
                try {
                    flyway.migrate();
                    // The first read through Hibernate Reactive builds its session factory: do it now, not during
                    // a takeover, where it would add hundreds of milliseconds.
                    store.leader();
                    return null;
                } catch (RuntimeException e) {
                    failed(e);
                    throw e;
                }
            }, Void.class);
        } catch (InterruptedException shutdown) {
            return;
        } catch (Exception unexpected) {
            // The guard retries every exception for ever: nothing should get here.
            LOG.log(Level.ERROR, "joining the leader election failed for good", unexpected);
            return;
        }
        problem = null;
        if (failedAttempts > 0) {
            LOG.log(Level.INFO, String.format("PostgreSQL at %s answered after %d failed attempts", databaseUrl,
                    failedAttempts));
        }
        warmUpRestore();
        if (leadership.joined(endpoint, election::stepDown)) {
            election.start();
        }
    }

    /**
     * A standby restores its registry the moment it is elected, while clients wait: the restore's first run (its
     * classes, its statements) is paid now. A replica that cannot warm up still joins; its takeover is only slower.
     */
    private void warmUpRestore() {
        long started = System.nanoTime();
        try {
            store.warmUpRestore();
            LOG.log(Level.INFO, String.format("warmed up the restore in %d ms",
                    (System.nanoTime() - started) / 1_000_000));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, String.format("could not warm up the restore from PostgreSQL at %s (%s); a takeover "
                    + "will pay for its first run", databaseUrl, rootCause(e)));
        }
    }

    /** One attempt failed: said at once (readiness, and the log when the problem is new), retried by the guard. */
    private void failed(Throwable failure) {
        String cause = rootCause(failure);
        problem = cause;
        failedAttempts++;
        if (!cause.equals(loggedProblem)) {
            LOG.log(Level.WARNING, String.format(
                    "PostgreSQL at %s is not usable (%s); retrying every %d ms, readiness stays DOWN until "
                    + "it answers", databaseUrl, cause, config.retryInterval().toMillis()));
            loggedProblem = cause;
        } else {
            LOG.log(Level.DEBUG, () -> String.format("attempt %d to reach PostgreSQL at %s failed again (%s)",
                    failedAttempts, databaseUrl, cause));
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
