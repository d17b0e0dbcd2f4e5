package dev.vnet.network.rest;

import dev.vnet.network.registry.RegistryStats;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The network at a glance, as the console's overview shows it: counts by state from the leader's registry and the
 * routed requests so far (a client turns two of these into a rate).
 *
 * @param atMs when it was taken, epoch milliseconds
 * @param agentsByState agents by state (active, draining, standby)
 * @param containersByState containers by state (starting, running, moving, recovering)
 * @param standbyReplicas coordinator replicas standing by behind this leader, at its last lease renewal
 * @param standbyInstances warm standby copies of ha containers, on every agent
 * @param migrating containers moving now
 * @param routedRequests requests routed through this coordinator since it started, every outcome
 * @param routedErrors of those, the ones answered with a status other than OK
 */
@Schema(description = "Counts by state and routed requests so far")
public record Overview(long atMs, Map<String, Integer> agentsByState, Map<String, Integer> containersByState,
        int standbyReplicas, int standbyInstances, int migrating, long routedRequests, long routedErrors) {

    /** The meter every routed request is timed with, tagged by gRPC status (metrics/RoutedCallMetrics). */
    static final String ROUTED = "vnet.routed.requests";

    public static Overview of(RegistryStats stats, int standbyReplicas, MeterRegistry meters, long nowMs) {
        Map<String, Integer> agents = new LinkedHashMap<>();
        for (AgentState state : AgentState.values()) {
            if (state != AgentState.AGENT_STATE_UNSPECIFIED && state != AgentState.UNRECOGNIZED) {
                agents.put(shortName(state.name(), "AGENT_STATE_"), stats.agentsByState().getOrDefault(state, 0));
            }
        }
        Map<String, Integer> containers = new LinkedHashMap<>();
        for (ContainerState state : ContainerState.values()) {
            if (state != ContainerState.CONTAINER_STATE_UNSPECIFIED && state != ContainerState.UNRECOGNIZED) {
                containers.put(shortName(state.name(), "CONTAINER_STATE_"),
                        stats.containersByState().getOrDefault(state, 0));
            }
        }
        long requests = 0;
        long errors = 0;
        for (Timer timer : meters.find(ROUTED).timers()) {
            requests += timer.count();
            if (!"OK".equals(timer.getId().getTag("status"))) {
                errors += timer.count();
            }
        }
        return new Overview(nowMs, agents, containers, standbyReplicas, stats.standbyInstances(),
                stats.containersByState().getOrDefault(ContainerState.CONTAINER_STATE_MOVING, 0), requests, errors);
    }

    private static String shortName(String name, String prefix) {
        return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }
}
