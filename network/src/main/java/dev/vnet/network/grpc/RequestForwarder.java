package dev.vnet.network.grpc;

import dev.vnet.network.access.Failures;
import dev.vnet.network.access.ServingGate;
import dev.vnet.client.VnetException;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.Forwarded;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.wire.Deadlines;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Routes calls to containers. The fast path reads the route table and forwards on the agent's stream from the
 * transport thread that received the call. A call for a container without a route (starting, moving, unknown), or
 * whose route leads to an agent that has just gone away, asks the registry, which answers when the container runs
 * (again), or with why it will not: a container that moves is waited for, within the call's deadline.
 */
final class RequestForwarder {

    private final RouteTable routes;
    private final RegistryLoop loop;
    private final RoutedCalls watchers;

    RequestForwarder(RouteTable routes, RegistryLoop loop, RoutedCalls watchers) {
        this.routes = routes;
        this.loop = loop;
        this.watchers = watchers;
    }

    /** A request: its answer, or why there is none, goes to {@code sink} before the deadline. */
    void request(ContainerRequest request, String clientId, long deadlineNanos, ReplySink sink) {
        if (loop.mandate().inDoubt()) {
            sink.fail(inDoubt());
            return;
        }
        RoutedCalls.Watch watch = watchers.arrived(request);
        ReplySink watched = watch == RoutedCalls.Watch.NONE ? sink : new WatchedReply(sink, watch);
        route(request.getUuid(), deadlineNanos, route -> {
            RouteRequest.Builder routed = RouteRequest.newBuilder()
                    .setUuid(request.getUuid())
                    .setOperation(request.getOperation())
                    .setPayload(request.getPayload())
                    .setClientId(clientId);
            Map<String, String> traceContext = watch.context();
            if (!traceContext.isEmpty()) {
                // Touching the map field at all makes it mutable, an allocation the untraced call does not need.
                routed.putAllTraceContext(traceContext);
            }
            return route.agent().forward(routed, route.epoch(), deadlineNanos, watched);
        }, failure -> watched.fail(Failures.toError(failure)), null);
    }

    /** A leader paused past its lease forwards nothing until its election has checked that it still leads. */
    private static Error inDoubt() {
        return Errors.error(Status.Code.UNAVAILABLE, ServingGate.IN_DOUBT);
    }

    /** Tells the watch how the call ended, then answers it. */
    private record WatchedReply(ReplySink sink, RoutedCalls.Watch watch) implements ReplySink {
        @Override
        public void reply(ContainerReply reply) {
            watch.answered(0);
            sink.reply(reply);
        }

        @Override
        public void fail(Error error) {
            watch.answered(error.getCode());
            sink.fail(error);
        }
    }

    /** A one-way message: completes when handed to the agent, or fails with why it could not be. */
    CompletableFuture<Void> send(ContainerRequest request, String clientId, long deadlineNanos) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (loop.mandate().inDoubt()) {
            sent.completeExceptionally(VnetException.from(inDoubt()));
            return sent;
        }
        route(request.getUuid(), deadlineNanos, route -> {
            Forwarded outcome = route.agent().send(RouteSend.newBuilder()
                    .setUuid(request.getUuid())
                    .setOperation(request.getOperation())
                    .setPayload(request.getPayload())
                    .setClientId(clientId)
                    .setEpoch(route.epoch())
                    .build());
            if (outcome == Forwarded.SENT) {
                sent.complete(null);
            }
            return outcome;
        }, sent::completeExceptionally, null);
        return sent;
    }

    /**
     * Finds the container's route and hands the call to it; when none is known, or its agent turns out to be gone,
     * waits (through the registry) for a route that does not lead to {@code gone}.
     */
    private void route(String uuid, long deadlineNanos, Function<Route, Forwarded> forward, Consumer<Throwable> fail,
            AgentLink gone) {
        Route route = gone == null ? routes.get(uuid) : null;
        if (route != null) {
            deliver(uuid, route, deadlineNanos, forward, fail);
            return;
        }
        // The registry expires the wait by its own clock.
        long deadlineMs = loop.clock().millis() + Deadlines.remainingMillis(deadlineNanos);
        loop.compose(registry -> registry.awaitRoute(uuid, deadlineMs, gone)).whenComplete((found, failure) -> {
            if (failure != null) {
                fail.accept(failure);
            } else {
                deliver(uuid, found, deadlineNanos, forward, fail);
            }
        });
    }

    private void deliver(String uuid, Route route, long deadlineNanos, Function<Route, Forwarded> forward,
            Consumer<Throwable> fail) {
        switch (forward.apply(route)) {
            case SENT -> { }
            case GONE -> route(uuid, deadlineNanos, forward, fail, route.agent());
            case BEHIND -> fail.accept(VnetException.from(Errors.error(Status.Code.RESOURCE_EXHAUSTED, "agent "
                    + route.agent().agentId() + " is not keeping up with the calls routed to it; try again shortly")));
        }
    }
}
