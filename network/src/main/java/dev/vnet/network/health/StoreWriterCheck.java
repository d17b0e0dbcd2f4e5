package dev.vnet.network.health;

import dev.vnet.network.Coordinator;
import dev.vnet.network.store.StoreWriter;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the circuit breaker around the store writer's flush is not closed: PostgreSQL failed the flushes,
 * so the changes this leader makes wait in memory and would be lost with it. Routing goes on meanwhile; the check
 * says why ({@code reason}) and how much waits.
 */
@Readiness
@ApplicationScoped
public class StoreWriterCheck implements HealthCheck {

    private final Coordinator coordinator;

    public StoreWriterCheck(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public HealthCheckResponse call() {
        StoreWriter writer = coordinator.writer();
        CircuitBreakerState state = writer.breakerState();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("store-writer")
                .status(state == CircuitBreakerState.CLOSED)
                .withData("breaker", state.name())
                .withData("pendingStoreWrites", writer.pending());
        if (state != CircuitBreakerState.CLOSED) {
            response.withData("reason", String.format("the store's circuit breaker is %s: flushes to PostgreSQL "
                    + "failed (%s); %d changes wait in memory and are written once a flush succeeds",
                    state, writer.lastFailure(), writer.pending()));
        }
        return response.build();
    }
}
