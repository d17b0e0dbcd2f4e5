package dev.vnet.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who makes a call, as its token says, and what it may do.
 *
 * @param agentIds the agent ids it may serve; only meaningful with {@link Permission#AGENT_REGISTER}
 * @param scope the containers its container permissions reach ({@link Authorization} decides)
 */
public record Principal(String name, Set<Permission> permissions, AgentIds agentIds, ContainerScope scope) {

    /** Everyone, when authentication is off (local development). */
    public static final Principal UNAUTHENTICATED_DEVELOPER =
            new Principal("anyone (authentication is off)", EnumSet.allOf(Permission.class), AgentIds.ANY,
                    ContainerScope.ANY);

    public Principal {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    /** A principal that serves no agent id and reaches every container. */
    public Principal(String name, Set<Permission> permissions) {
        this(name, permissions, AgentIds.NONE, ContainerScope.ANY);
    }

    /**
     * The principal a credential describes, by the permission names and agent id patterns it carries.
     * {@code agent:register} needs agent ids: named explicitly without them it is an error; {@code *} without them
     * grants every permission but that one.
     *
     * @param agentIdsSetting where agent ids are given, for the error message (a setting key or a claim)
     * @throws IllegalArgumentException when the grants contradict each other
     */
    public static Principal of(String name, Collection<String> permissionNames, Collection<String> agentIdPatterns,
            String agentIdsSetting) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        permissions.addAll(Permission.parseAll(permissionNames));
        AgentIds agentIds = AgentIds.parse(agentIdPatterns);
        if (agentIds.isEmpty() && permissions.contains(Permission.AGENT_REGISTER)) {
            boolean explicit = permissionNames.stream().anyMatch(p -> p.trim().equals(Permission.AGENT_REGISTER.id()));
            if (explicit) {
                throw new IllegalArgumentException(name + " grants " + Permission.AGENT_REGISTER.id()
                        + " but names no agent ids it may serve: list them in " + agentIdsSetting
                        + " (comma-separated; 'shop-*' and '*' allowed)");
            }
            permissions.remove(Permission.AGENT_REGISTER);
        }
        return new Principal(name, permissions, agentIds, ContainerScope.ANY);
    }

    /** The same principal, limited to {@code scope}. */
    public Principal scopedTo(ContainerScope scope) {
        return new Principal(name, permissions, agentIds, scope);
    }

    /** The same principal under another name. */
    public Principal named(String newName) {
        return new Principal(newName, permissions, agentIds, scope);
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }

    /** Whether it may register as, stand by for, or replace the stream of agent {@code agentId}. */
    public boolean mayServe(String agentId) {
        return has(Permission.AGENT_REGISTER) && agentIds.allows(agentId);
    }
}
