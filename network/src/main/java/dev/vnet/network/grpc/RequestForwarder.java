package dev.vnet.network.grpc;

import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.network.routing.Route;
import dev.vnet.network.routing.RouteTable;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.wire.Deadlines;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Routes calls to containers. The fast path reads the route table and forwards on the agent's stream from the
 * transport thread that received the call; only a call for a container without a route (starting, moving,
 * unknown) goes through the registry, which answers when the container runs, or with why it will not.
 */
final class RequestForwarder {

    private final RouteTable routes;
    private final RegistryLoop loop;

    RequestForwarder(RouteTable routes, RegistryLoop loop) {
        this.routes = routes;
        this.loop = loop;
    }

    /** A request: its answer, or why there is none, goes to {@code sink} before the deadline. */
    void request(ContainerRequest request, String clientId, long deadlineNanos, ReplySink sink) {
        withRoute(request.getUuid(), deadlineNanos, route -> {
            RouteRequest.Builder routed = RouteRequest.newBuilder()
                    .setUuid(request.getUuid())
                    .setOperation(request.getOperation())
                    .setPayload(request.getPayload())
                    .setClientId(clientId);
            if (!route.agent().forward(routed, route.epoch(), deadlineNanos, sink)) {
                sink.fail(behind(route));
            }
        }, failure -> sink.fail(Failures.toError(failure)));
    }

    /** A one-way message: completes when handed to the agent, or fails with why it could not be. */
    CompletableFuture<Void> send(ContainerRequest request, String clientId, long deadlineNanos) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        withRoute(request.getUuid(), deadlineNanos, route -> {
            RouteSend message = RouteSend.newBuilder()
                    .setUuid(request.getUuid())
                    .setOperation(request.getOperation())
                    .setPayload(request.getPayload())
                    .setClientId(clientId)
                    .setEpoch(route.epoch())
                    .build();
            if (route.agent().send(message)) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(Errors.toException(behind(route)));
            }
        }, sent::completeExceptionally);
        return sent;
    }

    private void withRoute(String uuid, long deadlineNanos, Consumer<Route> forward, Consumer<Throwable> fail) {
        Route route = routes.get(uuid);
        if (route != null) {
            forward.accept(route);
            return;
        }
        long deadlineMs = System.currentTimeMillis() + Deadlines.remainingMillis(deadlineNanos);
        loop.compose(registry -> registry.awaitRoute(uuid, deadlineMs)).whenComplete((found, failure) -> {
            if (failure != null) {
                fail.accept(failure);
            } else {
                forward.accept(found);
            }
        });
    }

    private static dev.vnet.proto.v1.Error behind(Route route) {
        return Errors.error(Status.Code.RESOURCE_EXHAUSTED, "agent " + route.agent().agentId()
                + " is not keeping up with the calls routed to it; try again shortly");
    }
}
