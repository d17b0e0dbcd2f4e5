package dev.vnet.network.registry;

import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerDetail;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.KindInfo;
import dev.vnet.proto.v1.LeaderInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the registry shows: listings, one container in full, kinds, metrics counts, and watchers' snapshots. */
final class Views {

    private final RegistryState state;

    Views(RegistryState state) {
        this.state = state;
    }

    /** This coordinator leads, as {@code info} says: watchers are told, and new watchers find it in snapshots. */
    void leaderChanged(LeaderInfo info) {
        state.leader = info;
        state.events.publish(state.event(EventKind.EVENT_KIND_LEADER_CHANGED, "elected with epoch " + info.getEpoch())
                .setLeader(info).build());
    }

    RegistryStats stats() {
        return RegistryStats.of(state.agents.values(), state.containers.counts(), state.sessions.size(), state.now());
    }

    List<AgentInfo> agents() {
        return state.agents.values().stream().map(AgentRecord::toInfo)
                .sorted(Comparator.comparing(AgentInfo::getAgentId)).toList();
    }

    ContainerInfo containerInfo(String uuid) {
        ContainerRecord container = state.containers.get(uuid);
        return container == null ? null : container.toInfo();
    }

    ContainerDetail container(String uuid) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist");
        }
        return container.toDetail();
    }

    List<ContainerInfo> containers(String kind, List<String> labels, String agentId) {
        List<ContainerInfo> result = new ArrayList<>();
        Iterable<ContainerRecord> candidates = kind.isEmpty() ? state.containers.all() : state.containers.ofKind(kind);
        for (ContainerRecord container : candidates) {
            if (container.hasLabels(labels)
                    && (agentId.isEmpty() || container.agentId.equals(agentId))) {
                result.add(container.toInfo());
            }
        }
        result.sort(Comparator.comparing(ContainerInfo::getKind).thenComparing(ContainerInfo::getUuid));
        return result;
    }

    List<KindInfo> kinds() {
        Map<String, KindInfo.Builder> kinds = new TreeMap<>();
        for (AgentRecord agent : state.agents.values()) {
            if (agent.state == AgentState.AGENT_STATE_ACTIVE) {
                for (String kind : agent.kinds) {
                    kinds.computeIfAbsent(kind, k -> KindInfo.newBuilder().setKind(k)).addAgents(agent.agentId);
                }
            }
        }
        kinds.forEach((kind, info) -> info.setContainers(state.containers.ofKind(kind).size()));
        return kinds.values().stream().map(KindInfo.Builder::build).toList();
    }

    List<Event> snapshot() {
        List<Event> snapshot = new ArrayList<>();
        if (state.leader != null) {
            snapshot.add(state.event(EventKind.EVENT_KIND_LEADER_CHANGED, "snapshot").setLeader(state.leader).build());
        }
        for (AgentInfo agent : agents()) {
            snapshot.add(state.event(EventKind.EVENT_KIND_AGENT_ADDED, "snapshot").setAgent(agent).build());
        }
        for (ContainerRecord container : state.containers.all()) {
            if (container.state == ContainerState.CONTAINER_STATE_RUNNING
                    || container.state == ContainerState.CONTAINER_STATE_RECOVERING) {
                snapshot.add(state.event(EventKind.EVENT_KIND_CONTAINER_ADDED, "snapshot")
                        .setContainer(container.toInfo()).build());
            }
        }
        return snapshot;
    }
}
