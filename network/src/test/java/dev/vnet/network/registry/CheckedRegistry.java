package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.network.routing.ConnectionSink;
import dev.vnet.network.routing.Route;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.KindInfo;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.ReleaseResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The registry as the tests drive it: every call goes to the real {@link Registry}, and after every call that can
 * change it (refused or not) the harness checks its invariants, so that each step of each test checks them.
 */
final class CheckedRegistry {

    private final Registry registry;
    private final Runnable check;
    /** Every session opened through here, for the harness to check what the open ones hold. */
    final List<SessionRecord> opened = new ArrayList<>();

    CheckedRegistry(Registry registry, Runnable check) {
        this.registry = registry;
        this.check = check;
    }

    /** The registry itself, for code under test that takes one (a loop, a service). */
    Registry unchecked() {
        return registry;
    }

    private <T> T checked(Supplier<T> step) {
        try {
            return step.get();
        } finally {
            check.run();
        }
    }

    private void checked(Runnable step) {
        try {
            step.run();
        } finally {
            check.run();
        }
    }

    void restore(StoredState stored) {
        checked(() -> registry.restore(stored));
    }

    void serving() {
        checked(registry::serving);
    }

    void tick() {
        checked(registry::tick);
    }

    void registerAgent(AgentLink link, AgentRegister registration) {
        checked(() -> registry.registerAgent(link, registration));
    }

    void heartbeat(AgentLink link, Load load) {
        checked(() -> registry.heartbeat(link, load));
    }

    void agentDisconnected(AgentLink link, String reason) {
        checked(() -> registry.agentDisconnected(link, reason));
    }

    void containerStarted(AgentLink link, ContainerStarted started) {
        checked(() -> registry.containerStarted(link, started));
    }

    void containerStopped(AgentLink link, ContainerStopped stopped) {
        checked(() -> registry.containerStopped(link, stopped));
    }

    void clientConnected(AgentLink link, ClientConnected connected) {
        checked(() -> registry.clientConnected(link, connected));
    }

    SessionRecord openSession(String clientName, SessionLink link, long timeoutMs) {
        return checked(() -> {
            SessionRecord session = registry.openSession(clientName, link, timeoutMs);
            opened.add(session);
            return session;
        });
    }

    long touchSession(String sessionId) {
        return checked(() -> registry.touchSession(sessionId));
    }

    int closeSession(String sessionId, String reason) {
        return checked(() -> registry.closeSession(sessionId, reason));
    }

    CompletableFuture<GetResponse> get(String sessionId, GetRequest request) {
        return checked(() -> registry.get(sessionId, request));
    }

    ReleaseResponse release(String sessionId, String uuid) {
        return checked(() -> registry.release(sessionId, uuid));
    }

    CompletableFuture<Route> awaitRoute(String uuid, long deadlineMs) {
        return checked(() -> registry.awaitRoute(uuid, deadlineMs));
    }

    CompletableFuture<ContainerInfo> connect(String uuid, String clientId, ConnectionSink sink) {
        return checked(() -> registry.connect(uuid, clientId, sink));
    }

    AgentInfo drain(String agentId, long deadlineMs) {
        return checked(() -> registry.drain(agentId, deadlineMs));
    }

    CompletableFuture<MigrationInfo> migrate(String uuid, String targetAgentId) {
        return checked(() -> registry.migrate(uuid, targetAgentId));
    }

    void delete(String uuid) {
        checked(() -> registry.delete(uuid));
    }

    // Queries change nothing: they are not followed by a check.

    RegistrySettings settings() {
        return registry.settings();
    }

    RegistryStats stats() {
        return registry.stats();
    }

    List<AgentInfo> agents() {
        return registry.agents();
    }

    List<ContainerInfo> containers(String kind, List<String> labels, String agentId) {
        return registry.containers(kind, labels, agentId);
    }

    List<KindInfo> kinds() {
        return registry.kinds();
    }

    int containerCount() {
        return registry.containerCount();
    }

    int sessionCount() {
        return registry.sessionCount();
    }

    int agentCount() {
        return registry.agentCount();
    }

    SessionOwners sessionOwners() {
        return registry.sessionOwners();
    }
}
