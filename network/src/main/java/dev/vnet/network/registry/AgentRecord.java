package dev.vnet.network.registry;

import dev.vnet.network.placement.AgentView;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A registered agent, as the registry tracks it. Mutable; owned by the registry thread. */
public final class AgentRecord implements AgentView {

    final String agentId;
    String instanceId;
    /** What the live instance must show to replace its stream (see {@link InstanceSecrets}). */
    String instanceSecret = InstanceSecrets.fresh();
    AgentLink link;
    String endpoint;
    Set<String> kinds;
    String cluster;
    List<String> labels;
    Capacity capacity;
    String version;
    Load load = Load.getDefaultInstance();
    AgentState state = AgentState.AGENT_STATE_ACTIVE;
    final long registeredAtMs;
    long lastHeartbeatMs;
    /** Containers placed on (or adopted from) this agent, by uuid, in placement order. */
    final Map<String, ContainerRecord> containers = new LinkedHashMap<>();
    /** Other live processes with this agent id, waiting to take over, in arrival order. */
    final List<Standby> standbys = new ArrayList<>();
    /** Stateless containers this agent offers. */
    final Set<String> offered = new LinkedHashSet<>();
    /** The registration this process sent: its stateless offers, among others. */
    AgentRegister registration;
    /** When a draining agent's standard containers are stopped. */
    long drainDeadlineMs;
    /** CPU and memory asked for by the containers placed here, for placement between two heartbeats. */
    double reservedCpu;
    long reservedMemoryBytes;

    AgentRecord(AgentLink link, AgentRegister registration, long nowMs) {
        this.agentId = registration.getAgentId();
        this.registeredAtMs = nowMs;
        update(link, registration, nowMs);
    }

    void update(AgentLink link, AgentRegister registration, long nowMs) {
        this.link = link;
        this.registration = registration;
        this.instanceId = registration.getInstanceId();
        this.endpoint = registration.getEndpoint();
        this.kinds = Set.copyOf(registration.getKindsList());
        this.cluster = registration.getCluster();
        this.labels = List.copyOf(registration.getLabelsList());
        this.capacity = registration.getCapacity();
        this.version = registration.getVersion();
        this.lastHeartbeatMs = nowMs;
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public String cluster() {
        return cluster;
    }

    @Override
    public AgentState state() {
        return state;
    }

    @Override
    public boolean supports(String kind) {
        return kinds.contains(kind);
    }

    @Override
    public int containerCount() {
        return containers.size();
    }

    /** Whether one more container needing {@code need} fits within the agent's declared capacity. */
    @Override
    public boolean hasRoomFor(Resources need) {
        if (capacity.getMaxContainers() > 0 && containers.size() >= capacity.getMaxContainers()) {
            return false;
        }
        if (need.getCpu() > 0 && capacity.getCpu() > 0
                && Math.max(load.getCpu(), reservedCpu) + need.getCpu() > capacity.getCpu()) {
            return false;
        }
        return need.getMemoryBytes() <= 0 || capacity.getMemoryBytes() <= 0
                || Math.max(load.getMemoryBytes(), reservedMemoryBytes) + need.getMemoryBytes()
                        <= capacity.getMemoryBytes();
    }

    /** Counts a container here (idempotent): one running here, or one being moved here. */
    void place(ContainerRecord container) {
        if (containers.put(container.uuid, container) == null) {
            reservedCpu += container.resources.getCpu();
            reservedMemoryBytes += container.resources.getMemoryBytes();
        }
    }

    void unplace(ContainerRecord container) {
        if (containers.remove(container.uuid, container)) {
            reservedCpu -= container.resources.getCpu();
            reservedMemoryBytes -= container.resources.getMemoryBytes();
        }
    }

    StoredAgent toStored(long lastSeenMs) {
        return new StoredAgent(agentId, instanceId, endpoint, cluster, labels, kinds.stream().sorted().toList(),
                capacity, registeredAtMs, lastSeenMs);
    }

    StoredHealth health(NodeStatus status) {
        return new StoredHealth(agentId, status, lastHeartbeatMs, capacity, load);
    }

    /** Its health while it lives: healthy, or draining. */
    StoredHealth health() {
        return health(state == AgentState.AGENT_STATE_DRAINING ? NodeStatus.NODE_STATUS_DRAINING
                : NodeStatus.NODE_STATUS_HEALTHY);
    }

    AgentInfo toInfo() {
        return AgentInfo.newBuilder()
                .setAgentId(agentId)
                .setInstanceId(instanceId)
                .setEndpoint(endpoint)
                .addAllKinds(kinds.stream().sorted().toList())
                .setCluster(cluster)
                .addAllLabels(labels)
                .setCapacity(capacity)
                .setLoad(load)
                .setState(state)
                .setRegisteredAtMs(registeredAtMs)
                .setLastHeartbeatMs(lastHeartbeatMs)
                .setContainers(containers.size())
                .setStandbys(standbys.size())
                .build();
    }
}
