package dev.vnet.network.access;

import dev.vnet.network.registry.Failure;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryException;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.security.Authorization;
import dev.vnet.security.Principal;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a caller whose credential is limited to a scope (kinds, labels: a tenant) to the containers in it, asking
 * {@link Authorization}. A container outside the scope is answered as one that does not exist, so nothing about
 * other tenants' containers leaks. Callers without a scope cost nothing here: no container is looked up.
 */
public final class ContainerGuard {

    private static final CompletableFuture<Void> ALLOWED = CompletableFuture.completedFuture(null);

    private final RegistryLoop loop;

    public ContainerGuard(RegistryLoop loop) {
        this.loop = loop;
    }

    /** Completes when {@code caller} may reach container {@code uuid}; fails NOT_FOUND when it may not. */
    public CompletableFuture<Void> reach(Principal caller, String uuid) {
        if (!Authorization.isScoped(caller)) {
            return ALLOWED;
        }
        return loop.call(registry -> {
            requireReachable(registry, caller, uuid);
            return null;
        });
    }

    /** On the registry's thread: throws NOT_FOUND unless {@code caller} may reach the existing container. */
    public static void requireReachable(Registry registry, Principal caller, String uuid) {
        if (!Authorization.isScoped(caller)) {
            return;
        }
        ContainerInfo container = registry.containerInfo(uuid);
        if (container == null || !Authorization.reaches(caller, container.getKind(), container.getLabelsList())) {
            throw notFound(uuid);
        }
    }

    /** On the registry's thread: throws NOT_FOUND when the container exists but {@code caller} may not reach it. */
    public static void requireReachableIfExists(Registry registry, Principal caller, String uuid) {
        if (Authorization.isScoped(caller) && !uuid.isEmpty() && registry.containerInfo(uuid) != null) {
            requireReachable(registry, caller, uuid);
        }
    }

    /** What a call about an unknown container gets. */
    public static RegistryException notFound(String uuid) {
        return new RegistryException(Failure.NOT_FOUND, "container " + uuid + " does not exist; get it first");
    }
}
