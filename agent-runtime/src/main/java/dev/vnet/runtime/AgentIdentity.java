package dev.vnet.runtime;

import dev.vnet.proto.v1.Capacity;
import java.util.List;

/**
 * Who an agent process is, as it tells the network when it registers.
 *
 * @param agentId the role name, stable across restarts
 * @param instanceId random per process
 * @param endpoint host:port where it serves direct requests
 * @param cluster its failure domain; may be empty
 * @param labels its labels
 * @param capacity what it can hold
 * @param version the software version, for listings
 */
record AgentIdentity(String agentId, String instanceId, String endpoint, String cluster, List<String> labels,
        Capacity capacity, String version) {}
