package dev.vnet.network.health;

import dev.vnet.network.Coordinator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the coordinator lets clients and agents in: its gRPC port is open, its store answered and its registry
 * is restored. A store that goes away later does not make it unready: routing goes on, and writes are retried.
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
        return HealthCheckResponse.named("coordinator")
                .status(coordinator.isListening() && coordinator.isReady())
                .withData("leaderEpoch", coordinator.leaderEpoch())
                .withData("pendingStoreWrites", coordinator.writer().pending())
                .build();
    }
}
