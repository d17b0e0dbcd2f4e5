package dev.vnet.agent.health;

import dev.vnet.agent.AgentLifecycle;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.runtime.AgentRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the agent is registered with a network as the active process of its id: before that, while it
 * reconnects, while it stands by for another process, and while it is drained, it gets no new work.
 */
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
        boolean active = runtime != null && runtime.isRegistered() && runtime.state() == AgentState.AGENT_STATE_ACTIVE;
        var response = HealthCheckResponse.named("network").status(active);
        if (runtime != null) {
            response.withData("agent", runtime.agentId()).withData("containers", runtime.containerCount())
                    .withData("state", runtime.state().name());
        }
        return response.build();
    }
}
