package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import java.util.concurrent.CompletableFuture;

/**
 * Clients connected to a container's broadcasts: their sinks hang on the container's current route, so a route
 * that ends (the container moved, stopped or its agent reconnected) closes them.
 */
final class Connections {

    private final RegistryState state;

    Connections(RegistryState state) {
        this.state = state;
    }

    /** Registers {@code sink} on the current activation and asks the agent to connect the client; see Registry. */
    CompletableFuture<ContainerInfo> connect(String uuid, String clientId, ConnectionSink sink) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null) {
            throw new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist; get it first");
        }
        if (container.state != ContainerState.CONTAINER_STATE_RUNNING) {
            throw new RegistryException(Failure.UNAVAILABLE, "container " + uuid + " is not running now ("
                    + container.state + "); try again");
        }
        if (!container.route.subscribe(clientId, sink)) {
            throw new RegistryException(Failure.ALREADY_EXISTS, "client " + clientId + " is already connected to "
                    + uuid + "; close that connection first");
        }
        CompletableFuture<ContainerInfo> result = new CompletableFuture<>();
        container.addPendingConnect(clientId, result);
        container.agent.link.connectClient(ClientConnect.newBuilder().setUuid(uuid).setClientId(clientId)
                .setEpoch(container.epoch).build());
        return result;
    }

    /** The agent's answer to a connection request. */
    void connected(AgentLink link, ClientConnected connected) {
        AgentRecord agent = state.current(link);
        ContainerRecord container = state.containers.get(connected.getUuid());
        if (agent == null || container == null || container.agent != agent) {
            return;
        }
        CompletableFuture<ContainerInfo> pending = container.removePendingConnect(connected.getClientId());
        if (pending == null) {
            return;
        }
        if (connected.hasError()) {
            if (container.route != null) {
                container.route.unsubscribe(connected.getClientId());
            }
            pending.completeExceptionally(new RegistryException(Failure.ofGrpcCode(connected.getError().getCode()),
                    connected.getError().getMessage()));
        } else {
            pending.complete(container.toInfo());
        }
    }

    /** Disconnects a client, if {@code sink} is still its connection. */
    void disconnect(String uuid, String clientId, ConnectionSink sink) {
        ContainerRecord container = state.containers.get(uuid);
        if (container == null || container.route == null || !container.route.unsubscribe(clientId, sink)) {
            return;
        }
        CompletableFuture<ContainerInfo> pending = container.removePendingConnect(clientId);
        if (pending != null) {
            pending.completeExceptionally(new RegistryException(Failure.UNAVAILABLE, "disconnected before ready"));
        }
        container.agent.link.disconnectClient(ClientDisconnect.newBuilder().setUuid(uuid).setClientId(clientId)
                .build());
    }

    /** The route ended: every client connected through it is told why. */
    static void close(Route route, String reason) {
        route.unsubscribeAll().forEach(sink -> sink.closed(reason));
    }
}
