package dev.vnet.security;

import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.NetworkGrpc;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;

/**
 * Which permission each vnet RPC needs: the table docs/SECURITY.md documents. The {@code Session} stream, which
 * multiplexes gets, requests and releases, needs {@code container:get} to open and checks each message again.
 * vnet methods missing from the table are refused: a new RPC is closed until someone decides who may call it.
 */
public final class MethodPermissions {

    /** The permission a method needs (calls on streams may need more, checked per message). */
    public record Rule(Permission permission) {}

    private static final String VNET_SERVICES = "vnet.";

    private final Map<String, Rule> rules = new HashMap<>();

    private MethodPermissions() {}

    /** The table for every vnet service: the coordinator's client, agent and admin APIs and the agent's own. */
    public static MethodPermissions vnet() {
        MethodPermissions table = new MethodPermissions();
        // Opening a session takes container:get; each call on it is checked again for what it does.
        table.needs(NetworkGrpc.getSessionMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getOpenSessionMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getKeepAliveMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getCloseSessionMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getGetMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getReleaseMethod(), Permission.CONTAINER_GET);
        table.needs(NetworkGrpc.getRequestMethod(), Permission.CONTAINER_REQUEST);
        table.needs(NetworkGrpc.getSendMethod(), Permission.CONTAINER_REQUEST);
        table.needs(NetworkGrpc.getConnectMethod(), Permission.CONTAINER_REQUEST);
        table.needs(NetworkGrpc.getWatchEventsMethod(), Permission.EVENTS_WATCH);
        table.needs(NetworkGrpc.getListAgentsMethod(), Permission.ADMIN_READ);
        table.needs(NetworkGrpc.getListContainersMethod(), Permission.ADMIN_READ);
        table.needs(NetworkGrpc.getListKindsMethod(), Permission.ADMIN_READ);
        table.needs(AgentChannelGrpc.getConnectMethod(), Permission.AGENT_REGISTER);
        table.needs(AdminGrpc.getListNodesMethod(), Permission.ADMIN_READ);
        table.needs(AdminGrpc.getGetLeaderMethod(), Permission.ADMIN_READ);
        table.needs(AdminGrpc.getMigrateMethod(), Permission.MIGRATION_MANAGE);
        table.needs(AdminGrpc.getHistoryMethod(), Permission.MIGRATION_VIEW);
        table.needs(AdminGrpc.getDrainMethod(), Permission.AGENT_DRAIN);
        table.needs(AdminGrpc.getDeleteContainerMethod(), Permission.CONTAINER_DELETE);
        table.needs(AgentGrpc.getRequestMethod(), Permission.CONTAINER_REQUEST);
        table.needs(AgentGrpc.getCallsMethod(), Permission.CONTAINER_REQUEST);
        table.needs(AgentGrpc.getConnectMethod(), Permission.CONTAINER_REQUEST);
        return table;
    }

    private void needs(MethodDescriptor<?, ?> method, Permission permission) {
        rules.put(method.getFullMethodName(), new Rule(permission));
    }

    /** Whether calls to this method are vnet's to guard (the standard health and reflection services are open). */
    public boolean guards(String fullMethodName) {
        return fullMethodName.startsWith(VNET_SERVICES);
    }

    /** The rule for a guarded method, or null when the table has none (the call is refused). */
    public Rule rule(String fullMethodName) {
        return rules.get(fullMethodName);
    }

    /** Every method in the table, by full name. */
    public Map<String, Rule> rules() {
        return Map.copyOf(rules);
    }
}
