package dev.vnet.security;

import io.grpc.Status;
import java.util.Collection;

/**
 * The one place that decides whether a principal may do something to a container: whether it holds the permission
 * and whether the container is in its scope ({@link ContainerScope}). The gRPC services of the network and of the
 * agent ask it, and so does anything else that acts for a caller on containers.
 */
public final class Authorization {

    private Authorization() {}

    /**
     * May {@code principal} do {@code permission} on a container of {@code kind} with {@code labels}?
     *
     * @return null when it may; else the refusal, PERMISSION_DENIED naming what is missing (the caller named this
     *     kind and these labels itself, so saying why leaks nothing)
     */
    public static Status check(Principal principal, Permission permission, String kind, Collection<String> labels) {
        if (!principal.has(permission)) {
            return AuthInterceptor.check(principal, permission, "a container of kind " + kind);
        }
        if (!principal.scope().covers(kind, labels)) {
            DenialLog.shared().denied(principal.name(), permission.id() + " on kind " + kind, "its call",
                    "outside its scope (" + principal.scope() + ")");
            return Status.PERMISSION_DENIED.withDescription(principal.name() + " may use only containers of "
                    + principal.scope() + ": ask for one of those (a new container gets the labels its get gives)");
        }
        return null;
    }

    /** Whether {@code principal} may see and reach an existing container of {@code kind} with {@code labels}. */
    public static boolean reaches(Principal principal, String kind, Collection<String> labels) {
        return principal.scope().covers(kind, labels);
    }

    /** Whether {@code principal}'s scope may hold containers of {@code kind} (for listings of kinds). */
    public static boolean reachesKind(Principal principal, String kind) {
        return principal.scope().coversKind(kind);
    }

    /** Whether {@code principal} is limited to a scope at all: when not, no container needs looking up. */
    public static boolean isScoped(Principal principal) {
        return principal.scope().isLimited();
    }
}
