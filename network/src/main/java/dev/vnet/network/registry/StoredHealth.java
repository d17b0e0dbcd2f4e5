package dev.vnet.network.registry;

import dev.vnet.proto.v1.Capacity;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.NodeStatus;

/** An agent's health row in the store (table {@code node_health}). */
public record StoredHealth(String agentId, NodeStatus status, long lastHeartbeatMs, Capacity capacity, Load load) {}
