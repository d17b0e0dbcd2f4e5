package dev.vnet.network.grpc;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.registry.Failure;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryException;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers each principal created that still exist, and the limit on them ({@code
 * vnet.network.limits.max-containers-per-principal}): gets without a session create containers too, and nothing
 * else would bound them. Counts follow the registry's events (a removed container no longer counts); they start
 * from zero in a coordinator that takes over leadership.
 */
final class ContainerQuota {

    static final String SETTING = "vnet.network.limits.max-containers-per-principal";

    private final int max;
    private final Map<String, String> creators = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    ContainerQuota(int max, EventHub events) {
        this.max = max;
        if (max > 0) {
            events.observe(event -> {
                if (event.getKind() == EventKind.EVENT_KIND_CONTAINER_REMOVED) {
                    forget(event.getContainer().getUuid());
                }
            });
        }
    }

    /**
     * On the registry's thread, before a get: refuses one that would create a container past the principal's
     * limit. A get of an existing container is never refused here.
     */
    void requireRoom(Registry registry, String principal, String uuid) {
        if (max == 0 || (!uuid.isEmpty() && registry.containerInfo(uuid) != null)) {
            return;
        }
        int created = counts.getOrDefault(principal, 0);
        if (created >= max) {
            throw new RegistryException(Failure.RESOURCE_EXHAUSTED, principal + " has created " + created
                    + " containers that still exist, the limit (" + SETTING + "): release or delete some first");
        }
    }

    /** Counts a get's outcome: the container it created, if it did. */
    void got(String principal, GetResponse response) {
        if (max > 0 && response.getCreated() && creators.putIfAbsent(response.getContainer().getUuid(), principal) == null) {
            counts.merge(principal, 1, Integer::sum);
        }
    }

    private void forget(String uuid) {
        String principal = creators.remove(uuid);
        if (principal != null) {
            counts.computeIfPresent(principal, (key, count) -> count <= 1 ? null : count - 1);
        }
    }
}
