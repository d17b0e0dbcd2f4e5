package dev.vnet.network.routing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of all running containers, by uuid: the one piece of registry state the hot path reads without going
 * through the registry thread. Only the registry writes it; a request that finds no route here asks the registry.
 */
public final class RouteTable {

    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

    public Route get(String uuid) {
        return routes.get(uuid);
    }

    public void put(Route route) {
        routes.put(route.uuid(), route);
    }

    /** Removes the route of {@code uuid} if it is still {@code route} (a newer activation is left alone). */
    public boolean remove(Route route) {
        return routes.remove(route.uuid(), route);
    }

    /** Forgets every route: the coordinator no longer leads. */
    public void clear() {
        routes.clear();
    }

    public int size() {
        return routes.size();
    }
}
