package dev.vnet.security;

import java.util.EnumSet;
import java.util.Set;

/** Who makes a call, as its token says, and what it may do. */
public record Principal(String name, Set<Permission> permissions) {

    /** Everyone, when authentication is off (local development). */
    public static final Principal UNAUTHENTICATED_DEVELOPER =
            new Principal("anyone (authentication is off)", EnumSet.allOf(Permission.class));

    public Principal {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }
}
