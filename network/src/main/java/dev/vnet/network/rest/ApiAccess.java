package dev.vnet.network.rest;

import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.DenialLog;
import dev.vnet.security.Permission;
import dev.vnet.security.Principal;
import io.grpc.Status;
import java.util.function.Supplier;

/**
 * The one place where the HTTP API decides who may do what: the same bearer tokens and JWTs as the gRPC port
 * (checked by the same {@link AuthInterceptor}), the same permissions, the same denial log. Every endpoint asks
 * {@link #require} before it does anything.
 */
public final class ApiAccess {

    private final Supplier<AuthInterceptor> auth;

    /** @param auth the gRPC port's check, once the coordinator has started */
    public ApiAccess(Supplier<AuthInterceptor> auth) {
        this.auth = auth;
    }

    /**
     * Who the request's {@code Authorization} header names, if they hold {@code needed}.
     *
     * @param needed null when any authenticated caller may (what the caller itself may do, for instance)
     * @param what the endpoint, for messages and the denial log, e.g. {@code POST /api/v1/containers/{uuid}/migrate}
     * @param peer the caller's address, for the denial log
     * @throws io.grpc.StatusRuntimeException UNAUTHENTICATED or PERMISSION_DENIED, with a message saying what to fix
     */
    public Principal require(String authorization, Permission needed, String what, String peer) {
        AuthInterceptor check = auth.get();
        if (check == null) {
            throw Status.UNAVAILABLE.withDescription("this coordinator is starting").asRuntimeException();
        }
        Principal principal;
        try {
            principal = check.authenticate(authorization);
        } catch (AuthInterceptor.Refused refused) {
            DenialLog.shared().denied(refused.who(), what, peer, refused.why());
            throw Status.UNAUTHENTICATED.withDescription(refused.getMessage()).asRuntimeException();
        }
        if (needed != null && !principal.has(needed)) {
            String why = "lacks permission " + needed.id();
            DenialLog.shared().denied(principal.name(), what, peer, why);
            throw Status.PERMISSION_DENIED.withDescription(principal.name() + " " + why + ", which " + what + " needs")
                    .asRuntimeException();
        }
        return principal;
    }

    /** Whether callers must show a token (false: local development, everyone may do everything). */
    public boolean isOn() {
        AuthInterceptor check = auth.get();
        return check != null && check.isOn();
    }
}
