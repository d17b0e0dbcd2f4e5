package dev.vnet.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** What a caller may do. docs/SECURITY.md has the table of which call needs which permission. */
public enum Permission {
    /** Open sessions, get (find or create) and release containers. */
    CONTAINER_GET("container:get"),
    /** Send requests and one-way messages to containers; connect to their broadcasts. */
    CONTAINER_REQUEST("container:request"),
    /** Get a container of type {@code ha} (whose spec the network keeps and re-creates elsewhere). */
    CONTAINER_HA_CREATE("container:ha:create"),
    /** Stop and forget a container, whoever holds it. */
    CONTAINER_DELETE("container:delete"),
    /** Register as an agent and host containers. */
    AGENT_REGISTER("agent:register"),
    /** Drain an agent. */
    AGENT_DRAIN("agent:drain"),
    /** Watch the network's events. */
    EVENTS_WATCH("events:watch"),
    /** Read the migration history. */
    MIGRATION_VIEW("migration:view"),
    /** Move containers. */
    MIGRATION_MANAGE("migration:manage"),
    /** List agents, containers, kinds and nodes; ask who leads. */
    ADMIN_READ("admin:read");

    /** Stands for every permission in configuration. */
    public static final String ALL = "*";

    private final String id;

    Permission(String id) {
        this.id = id;
    }

    /** The name used in configuration, tokens and messages, e.g. {@code container:get}. */
    public String id() {
        return id;
    }

    public static Permission parse(String id) {
        for (Permission permission : values()) {
            if (permission.id.equals(id)) {
                return permission;
            }
        }
        throw new IllegalArgumentException("unknown permission '" + id + "'; known: " + ALL + ", "
                + Arrays.stream(values()).map(Permission::id).collect(Collectors.joining(", ")));
    }

    /** Parses names as configuration and tokens give them; {@code *} grants every permission. */
    public static Set<Permission> parseAll(Collection<String> ids) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String raw : ids) {
            String id = raw.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (id.equals(ALL)) {
                return EnumSet.allOf(Permission.class);
            }
            permissions.add(parse(id));
        }
        return permissions;
    }

    @Override
    public String toString() {
        return id;
    }
}
