package dev.vnet.network.routing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where requests to one running container activation go, readable from any thread. Published by the registry
 * in the {@link RouteTable} when the activation runs, replaced when it moves, removed when it ends.
 *
 * @param uuid the container
 * @param agent the link to the agent that runs this activation
 * @param epoch the activation epoch, sent with every forwarded request so that no other copy answers
 * @param endpoint the agent's direct endpoint
 * @param subscribers clients connected to this activation's broadcasts, by client id (written by the registry,
 *     read by the broadcast path)
 */
public record Route(String uuid, AgentLink agent, long epoch, String endpoint,
        ConcurrentHashMap<String, ConnectionSink> subscribers) {

    public Route(String uuid, AgentLink agent, long epoch, String endpoint) {
        this(uuid, agent, epoch, endpoint, new ConcurrentHashMap<>());
    }
}
