package dev.vnet.network;

import dev.vnet.network.admin.AdminOperations;
import dev.vnet.network.grpc.NetworkServer;
import dev.vnet.network.leader.LeaderElection;
import dev.vnet.network.leader.Leadership;
import dev.vnet.network.metrics.NetworkMetrics;
import java.lang.System.Logger.Level;

/**
 * SIGTERM: hands over at once. Clients and agents are told to go (and go to a standby, which takes the lock at its
 * next try), what is pending is written under this replica's epoch while it still holds the lock, then the lock is
 * released, and only then does the gRPC port close.
 */
final class ShutdownSequence {

    private static final System.Logger LOG = System.getLogger(ShutdownSequence.class.getName());

    private final ElectionStartup startup;
    private final Leadership leadership;
    private final LeaderElection election;
    private final NetworkServer server;
    private final AdminOperations admin;
    private final NetworkMetrics metrics;
    private final String replicaId;

    ShutdownSequence(ElectionStartup startup, Leadership leadership, LeaderElection election, NetworkServer server,
            AdminOperations admin, NetworkMetrics metrics, String replicaId) {
        this.startup = startup;
        this.leadership = leadership;
        this.election = election;
        this.server = server;
        this.admin = admin;
        this.metrics = metrics;
        this.replicaId = replicaId;
    }

    void run() {
        startup.stop();
        long epoch = leadership.servingEpoch();
        // The gate closes, every stream ends, the registry stops and the writer writes what is pending.
        leadership.stop();
        // Closing the session releases the lock: a standby takes over at its next try.
        election.close();
        if (epoch != 0) {
            LOG.log(Level.INFO, String.format(
                    "vnet network %s stopped leading (epoch %d): it is shutting down", replicaId, epoch));
        }
        server.close();
        admin.close();
        metrics.close();
    }
}
