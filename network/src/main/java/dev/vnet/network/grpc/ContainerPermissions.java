package dev.vnet.network.grpc;

import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.Authorization;
import dev.vnet.security.Permission;
import dev.vnet.security.Principal;
import io.grpc.Status;

/**
 * Permissions checked per message, on calls whose method alone does not say what they do: the Session stream
 * carries gets, releases and requests, and a get of an {@code ha} container needs more than any other get.
 */
final class ContainerPermissions {

    private ContainerPermissions() {}

    /** @return null when {@code caller} may make this get, else the refusal */
    static Status toGet(Principal caller, GetRequest request) {
        Status denied = AuthInterceptor.check(caller, Permission.CONTAINER_GET, "a get of kind " + request.getKind());
        if (denied == null && request.getType() == ContainerType.CONTAINER_TYPE_HA) {
            denied = AuthInterceptor.check(caller, Permission.CONTAINER_HA_CREATE, "a get of an ha container");
        }
        if (denied == null) {
            denied = Authorization.check(caller, Permission.CONTAINER_GET, request.getKind(), request.getLabelsList());
        }
        return denied;
    }

    static Status toRelease(Principal caller) {
        return AuthInterceptor.check(caller, Permission.CONTAINER_GET, "a release");
    }

    static Status toRequest(Principal caller) {
        return AuthInterceptor.check(caller, Permission.CONTAINER_REQUEST, "a request to a container");
    }
}
