package dev.vnet.agent.health;

import dev.vnet.agent.AgentLifecycle;
import dev.vnet.runtime.AgentRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the agent is registered with a network: before that, or while it reconnects, it gets no work. */
@Readiness
@ApplicationScoped
public class RegisteredCheck implements HealthCheck {

    private final AgentLifecycle lifecycle;

    public RegisteredCheck(AgentLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        AgentRuntime runtime = lifecycle.runtime();
        boolean registered = runtime != null && runtime.isRegistered();
        var response = HealthCheckResponse.named("network").status(registered);
        if (runtime != null) {
            response.withData("agent", runtime.agentId()).withData("containers", runtime.containerCount());
        }
        return response.build();
    }
}
