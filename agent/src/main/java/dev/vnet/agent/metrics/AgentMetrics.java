package dev.vnet.agent.metrics;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.runtime.AgentRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Singleton;
import java.util.Locale;

/**
 * The agent's metrics ({@code vnet_agent_*} at {@code /q/metrics}; docs/OPERATIONS.md lists them), read from the
 * runtime when scraped.
 */
@Singleton
public class AgentMetrics {

    private final MeterRegistry registry;
    private volatile AgentRuntime runtime;

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Starts reporting on {@code started}. Gauges read through this long-lived bean: they hold their object weakly. */
    public void watch(AgentRuntime started) {
        this.runtime = started;
        for (String kind : started.kinds()) {
            Gauge.builder("vnet.agent.containers", this, m -> m.runtime.containerCountByKind().getOrDefault(kind, 0))
                    .description("Containers this agent runs, by kind").tags(Tags.of("kind", kind)).register(registry);
        }
        for (AgentState state : AgentState.values()) {
            if (state != AgentState.UNRECOGNIZED) {
                String name = state.name().substring("AGENT_STATE_".length()).toLowerCase(Locale.ROOT);
                Gauge.builder("vnet.agent.state", this, m -> m.runtime.state() == state ? 1 : 0)
                        .description("1 for the state the network last gave this agent (unspecified: not registered)")
                        .tags(Tags.of("state", name)).register(registry);
            }
        }
        Gauge.builder("vnet.agent.registered", this, m -> m.runtime.isRegistered() ? 1 : 0)
                .description("1 while the agent is registered with a network").register(registry);
        Gauge.builder("vnet.agent.network.silence", this, m -> m.runtime.networkSilence().toNanos() / 1e9)
                .baseUnit("seconds").description("Time since the network was last heard from").register(registry);
        Gauge.builder("vnet.agent.queued.calls", this, m -> m.runtime.queuedCalls())
                .description("Calls to containers waiting for a worker thread").register(registry);
        FunctionCounter.builder("vnet.agent.streams.dropped", this, m -> m.runtime.droppedReaders())
                .description("Direct readers dropped because they fell behind their queue budget").register(registry);
    }
}
