package dev.vnet.network.health;

import dev.vnet.network.Coordinator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the coordinator lets clients and agents in: its gRPC port is open, its store answered and its registry
 * is restored. While its store has not answered yet, it says why ({@code reason}). A store that goes away later is
 * {@link StoreWriterCheck}'s to report.
 */
@Readiness
@ApplicationScoped
public class ServingCheck implements HealthCheck {

    private final Coordinator coordinator;

    public ServingCheck(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("coordinator")
                .status(coordinator.isListening() && coordinator.isReady())
                .withData("leaderEpoch", coordinator.leaderEpoch())
                .withData("pendingStoreWrites", coordinator.writer().pending());
        String waiting = coordinator.waitingForStore();
        if (waiting != null) {
            response.withData("reason", waiting);
        }
        return response.build();
    }
}
