package dev.vnet.network.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where requests to one running container activation go, readable from any thread. Published by the registry
 * in the {@link RouteTable} when the activation runs, replaced when it moves, removed when it ends.
 *
 * <p>The clients connected to the activation's broadcasts hang on it too. Few activations have any, so their map
 * is made by the first {@link #subscribe} (an empty one costs 64 bytes per running container). Only the registry
 * thread subscribes and unsubscribes; the broadcast path reads {@link #subscriber} from transport threads, through
 * the volatile field and the concurrent map.
 */
public final class Route {

    private final String uuid;
    private final AgentLink agent;
    private final long epoch;
    private final String endpoint;
    /** Clients connected to this activation's broadcasts, by client id; null until the first. */
    private volatile ConcurrentHashMap<String, ConnectionSink> subscribers;

    /**
     * @param uuid the container
     * @param agent the link to the agent that runs this activation
     * @param epoch the activation epoch, sent with every forwarded request so that no other copy answers
     * @param endpoint the agent's direct endpoint
     */
    public Route(String uuid, AgentLink agent, long epoch, String endpoint) {
        this.uuid = uuid;
        this.agent = agent;
        this.epoch = epoch;
        this.endpoint = endpoint;
    }

    public String uuid() {
        return uuid;
    }

    public AgentLink agent() {
        return agent;
    }

    public long epoch() {
        return epoch;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The connection of {@code clientId}, or null; any thread. */
    public ConnectionSink subscriber(String clientId) {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        return current == null ? null : current.get(clientId);
    }

    /** The connected clients, by client id: a read-only view. */
    public Map<String, ConnectionSink> subscribers() {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        return current == null ? Map.of() : Collections.unmodifiableMap(current);
    }

    /** Connects {@code clientId} through {@code sink}; false if it is connected already. Registry thread. */
    public boolean subscribe(String clientId, ConnectionSink sink) {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        if (current == null) {
            current = new ConcurrentHashMap<>();
            subscribers = current;
        }
        return current.putIfAbsent(clientId, sink) == null;
    }

    /** Disconnects {@code clientId}, whatever its sink. Registry thread. */
    public void unsubscribe(String clientId) {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        if (current != null) {
            current.remove(clientId);
        }
    }

    /** Disconnects {@code clientId} if {@code sink} is still its connection; false otherwise. Registry thread. */
    public boolean unsubscribe(String clientId, ConnectionSink sink) {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        return current != null && current.remove(clientId, sink);
    }

    /** Disconnects every client and returns their sinks (the route ends). Registry thread. */
    public Collection<ConnectionSink> unsubscribeAll() {
        ConcurrentHashMap<String, ConnectionSink> current = subscribers;
        if (current == null) {
            return List.of();
        }
        List<ConnectionSink> ended = new ArrayList<>(current.size());
        for (Iterator<ConnectionSink> it = current.values().iterator(); it.hasNext(); ) {
            ended.add(it.next());
            it.remove(); // a broadcast that still holds this map finds the client gone
        }
        subscribers = null;
        return ended;
    }
}
