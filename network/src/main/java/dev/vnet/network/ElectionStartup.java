package dev.vnet.network;

import dev.vnet.network.leader.LeaderElection;
import dev.vnet.network.leader.Leadership;
import dev.vnet.network.store.StoreReader;
import dev.vnet.wire.ColdStart;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import java.lang.System.Logger.Level;

/**
 * How a replica gets into the election: on its own thread, it migrates the schema (retrying until PostgreSQL
 * answers, while readiness stays DOWN), warms up what a takeover would otherwise pay for, and then joins.
 */
final class ElectionStartup {

    private static final System.Logger LOG = System.getLogger(ElectionStartup.class.getName());

    private final Flyway flyway;
    private final StoreReader store;
    private final String databaseUrl;
    private final Duration retryInterval;
    private final Leadership leadership;
    private final LeaderElection election;
    private final String endpoint;
    private final Thread thread = new Thread(this::join, "vnet-startup");

    /**
     * @param retryInterval how long to wait before trying PostgreSQL again
     * @param endpoint      where callers reach this replica, named to them while it leads
     */
    ElectionStartup(Flyway flyway, StoreReader store, String databaseUrl, Duration retryInterval,
            Leadership leadership, LeaderElection election, String endpoint) {
        this.flyway = flyway;
        this.store = store;
        this.databaseUrl = databaseUrl;
        this.retryInterval = retryInterval;
        this.leadership = leadership;
        this.election = election;
        this.endpoint = endpoint;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Gives up joining (shutdown); a replica that has joined already is not affected. */
    void stop() {
        thread.interrupt();
    }

    private void join() {
        // A standby that is elected routes at once: its first request must not build the contract's descriptors.
        ColdStart.warmUp();
        String lastProblem = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                flyway.migrate();
                // The first read through Hibernate Reactive builds its session factory: do it now, not during a
                // takeover, where it would add hundreds of milliseconds.
                store.leader();
                if (leadership.joined(endpoint, election::stepDown)) {
                    election.start();
                }
                return;
            } catch (Exception e) {
                String problem = rootCause(e);
                if (!problem.equals(lastProblem)) {
                    LOG.log(Level.WARNING, String.format(
                            "PostgreSQL at %s is not usable (%s); retrying every %d ms, readiness stays DOWN until "
                            + "it answers", databaseUrl, problem, retryInterval.toMillis()));
                    lastProblem = problem;
                }
                sleep(retryInterval.toMillis());
            }
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
