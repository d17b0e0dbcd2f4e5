package dev.vnet.network.registry;

import dev.vnet.proto.v1.GetRequest;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The containers the registry holds, by uuid and by kind, with the counts metrics read. Registry thread only. */
final class ContainerTable {

    private final Map<String, ContainerRecord> byUuid = new HashMap<>();
    private final Map<String, Set<ContainerRecord>> byKind = new HashMap<>();
    private final ContainerCounts counts = new ContainerCounts();

    /** The container {@code uuid}, or null. */
    ContainerRecord get(String uuid) {
        return byUuid.get(uuid);
    }

    /** Whether this very record (not an earlier one of the same uuid) is held. */
    boolean holds(ContainerRecord container) {
        return byUuid.get(container.uuid) == container;
    }

    void add(ContainerRecord container) {
        byUuid.put(container.uuid, container);
        counts.add(container);
        container.counts = counts;
        byKind.computeIfAbsent(container.kind, k -> new LinkedHashSet<>()).add(container);
    }

    /** Forgets the container; false when this record was not held. */
    boolean remove(ContainerRecord container) {
        if (!holds(container)) {
            return false;
        }
        byUuid.remove(container.uuid);
        counts.remove(container);
        container.counts = null;
        Set<ContainerRecord> ofKind = byKind.get(container.kind);
        ofKind.remove(container);
        if (ofKind.isEmpty()) {
            byKind.remove(container.kind);
        }
        return true;
    }

    Collection<ContainerRecord> all() {
        return byUuid.values();
    }

    Set<ContainerRecord> ofKind(String kind) {
        return byKind.getOrDefault(kind, Set.of());
    }

    /** What a get names: the container of its uuid, else the first of its kind with all its labels, else null. */
    ContainerRecord find(GetRequest request) {
        if (!request.getUuid().isEmpty()) {
            return byUuid.get(request.getUuid());
        }
        if (request.getLabelsCount() == 0) {
            return null;
        }
        for (ContainerRecord candidate : ofKind(request.getKind())) {
            if (candidate.hasLabels(request.getLabelsList())) {
                return candidate;
            }
        }
        return null;
    }

    int size() {
        return byUuid.size();
    }

    ContainerCounts counts() {
        return counts;
    }
}
