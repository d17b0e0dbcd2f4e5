package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.ContainerState;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Calls that found no route in the route table: they wait here for their container to run (it is starting,
 * moving, recovering, or not known yet while agents are expected back), and fail at their deadline.
 */
final class RouteWaits {

    private final RegistryState state;
    /** Containers that calls wait for: their waits expire at their deadlines. */
    private final Set<ContainerRecord> awaiting = new LinkedHashSet<>();
    private final UnknownRouteWaits unknown = new UnknownRouteWaits();

    RouteWaits(RegistryState state) {
        this.state = state;
    }

    /**
     * The route of {@code uuid} once it runs; NOT_FOUND at once for an unknown uuid (unless agents are awaited,
     * which may bring it). A route that still leads to {@code gone} is not an answer; the next one is.
     */
    CompletableFuture<Route> await(String uuid, long deadlineMs, AgentLink gone) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null && !state.awaitedAgents.isEmpty()) {
            return unknown.await(uuid, deadlineMs);
        }
        if (container == null) {
            return CompletableFuture.failedFuture(new RegistryException(Failure.NOT_FOUND,
                    "container " + uuid + " does not exist; get it first"));
        }
        if (container.state == ContainerState.CONTAINER_STATE_RUNNING && container.route.agent() != gone) {
            return CompletableFuture.completedFuture(container.route);
        }
        CompletableFuture<Route> result = new CompletableFuture<>();
        container.addPendingRoute(new ContainerRecord.PendingRoute(result, deadlineMs));
        awaiting.add(container);
        return result;
    }

    /** {@code container} is known now: calls that waited for its uuid wait for it to run. */
    void known(ContainerRecord container) {
        List<ContainerRecord.PendingRoute> waiting = unknown.claim(container.uuid);
        if (!waiting.isEmpty()) {
            waiting.forEach(container::addPendingRoute);
            awaiting.add(container);
        }
    }

    /** {@code container} runs: its waiting calls go to its route. */
    static void answer(ContainerRecord container) {
        container.takePendingRoutes(pending -> true).forEach(pending -> pending.result().complete(container.route));
    }

    /** {@code container} is gone: its waiting calls fail with {@code gone}. */
    static void fail(ContainerRecord container, RegistryException gone) {
        container.takePendingRoutes(pending -> true).forEach(pending -> pending.result().completeExceptionally(gone));
    }

    /** Every awaited agent is back or given up: calls for uuids still unknown fail NOT_FOUND. */
    void unknownNotFound() {
        unknown.notFound();
    }

    void expire(long now) {
        unknown.expire(now);
        for (Iterator<ContainerRecord> it = awaiting.iterator(); it.hasNext(); ) {
            ContainerRecord container = it.next();
            expire(container, now);
            if (!container.hasPendingRoutes()) {
                it.remove();
            }
        }
    }

    private static void expire(ContainerRecord container, long now) {
        for (ContainerRecord.PendingRoute late : container.takePendingRoutes(pending -> now >= pending.deadlineMs())) {
            late.result().completeExceptionally(new RegistryException(Failure.DEADLINE_EXCEEDED,
                    "container " + container.uuid + " was not running before the call's deadline"));
        }
    }
}
