package dev.vnet.network.health;

import dev.vnet.network.Coordinator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the registry thread answers within a second: a wedged registry stops all placement and failure
 * detection, and restarting the process is the right cure.
 */
@Liveness
@ApplicationScoped
public class RegistryCheck implements HealthCheck {

    private final Coordinator coordinator;

    public RegistryCheck(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            int containers = coordinator.loop().call(registry -> registry.containerCount()).get(1, TimeUnit.SECONDS);
            return HealthCheckResponse.named("registry").up().withData("containers", containers).build();
        } catch (Exception e) {
            return HealthCheckResponse.named("registry").down().withData("error", String.valueOf(e)).build();
        }
    }
}
