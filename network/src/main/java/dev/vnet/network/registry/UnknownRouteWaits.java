package dev.vnet.network.registry;

import dev.vnet.network.registry.ContainerRecord.PendingRoute;
import dev.vnet.network.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Calls for containers the registry does not know, made while agents it expects back after a restart or a
 * takeover have not re-registered yet. The container may well exist on one of them: such calls wait for it to
 * turn up instead of failing NOT_FOUND, until their deadline or until every expected agent is back (or given up).
 */
final class UnknownRouteWaits {

    private final Map<String, List<PendingRoute>> byUuid = new HashMap<>();

    CompletableFuture<Route> await(String uuid, long deadlineMs) {
        CompletableFuture<Route> result = new CompletableFuture<>();
        byUuid.computeIfAbsent(uuid, u -> new ArrayList<>()).add(new PendingRoute(result, deadlineMs));
        return result;
    }

    /** The calls waiting for {@code uuid}, which is known now; they are the caller's to answer. */
    List<PendingRoute> claim(String uuid) {
        List<PendingRoute> waiting = byUuid.remove(uuid);
        return waiting == null ? List.of() : waiting;
    }

    void expire(long nowMs) {
        for (Iterator<Map.Entry<String, List<PendingRoute>>> entries = byUuid.entrySet().iterator();
                entries.hasNext(); ) {
            Map.Entry<String, List<PendingRoute>> entry = entries.next();
            entry.getValue().removeIf(pending -> {
                boolean expired = nowMs >= pending.deadlineMs();
                if (expired) {
                    pending.result().completeExceptionally(new RegistryException(Failure.DEADLINE_EXCEEDED,
                            "container " + entry.getKey() + " did not turn up before the call's deadline: the network "
                                    + "is still waiting for its agents to reconnect"));
                }
                return expired;
            });
            if (entry.getValue().isEmpty()) {
                entries.remove();
            }
        }
    }

    /** Every expected agent is back or given up: what is still unknown does not exist. */
    void notFound() {
        byUuid.forEach((uuid, waiting) -> waiting.forEach(pending -> pending.result().completeExceptionally(
                new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist; get it first"))));
        byUuid.clear();
    }
}
