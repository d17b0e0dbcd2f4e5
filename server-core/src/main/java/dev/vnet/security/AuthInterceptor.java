package dev.vnet.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/**
 * Authenticates every vnet call by its bearer token ({@code authorization: Bearer <token>} metadata) and checks the
 * permission its method needs. Refusals are UNAUTHENTICATED (no token, or one not accepted) or PERMISSION_DENIED
 * (naming the missing permission), and each is logged without the token. The caller's {@link Principal} is in the
 * call's context for handlers that check more, per message.
 */
public final class AuthInterceptor implements ServerInterceptor {

    private static final Context.Key<Principal> PRINCIPAL = Context.key("vnet-principal");
    private static final String BEARER = "Bearer ";
    private static final Principal NOBODY = new Principal("nobody", Set.of());

    private final Authenticator authenticator;
    private final MethodPermissions table = MethodPermissions.vnet();
    private final DenialLog denials = DenialLog.shared();

    private AuthInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Checks every call's token with {@code authenticator}. */
    public static AuthInterceptor requiring(Authenticator authenticator) {
        return new AuthInterceptor(authenticator);
    }

    /** Lets every call in with every permission: local development only. */
    public static AuthInterceptor off() {
        return new AuthInterceptor(null);
    }

    public boolean isOn() {
        return authenticator != null;
    }

    /**
     * Who makes the current call. Outside a call's context nobody: code that lost the context is refused rather
     * than let in.
     */
    public static Principal caller() {
        Principal principal = PRINCIPAL.get();
        return principal != null ? principal : NOBODY;
    }

    /**
     * Checks one message of a call that is checked per message.
     *
     * @return null when {@code principal} may do {@code what}; else the refusal to send back (also logged)
     */
    public static Status check(Principal principal, Permission needed, String what) {
        if (principal.has(needed)) {
            return null;
        }
        String why = "lacks permission " + needed.id();
        DenialLog.shared().denied(principal.name(), what, "its stream", why);
        return Status.PERMISSION_DENIED.withDescription(principal.name() + " " + why + ", which " + what + " needs");
    }

    /**
     * Who an {@code authorization} header (gRPC metadata or HTTP header) names: the one check of bearer tokens that
     * every vnet port shares. With authentication off, everyone is {@link Principal#UNAUTHENTICATED_DEVELOPER}.
     *
     * @param header the header's value, null when absent
     * @throws Refused (UNAUTHENTICATED) when there is no bearer token or it is not accepted; not yet logged
     */
    public Principal authenticate(String header) throws Refused {
        if (authenticator == null) {
            return Principal.UNAUTHENTICATED_DEVELOPER;
        }
        if (header == null) {
            throw new Refused("an anonymous caller", "no bearer token",
                    "this call needs a bearer token: send the header 'authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new Refused("an anonymous caller", "authorization is not a bearer token",
                    "the authorization header must be 'Bearer <token>'");
        }
        try {
            return authenticator.authenticate(header.substring(BEARER.length()).trim());
        } catch (AuthenticationException refused) {
            throw new Refused("a caller with a bad token", refused.getMessage(),
                    "the bearer token was not accepted: " + refused.getMessage());
        }
    }

    /** A bearer token that was missing or not accepted: the message is for the caller, who and why for the log. */
    public static final class Refused extends Exception {

        private static final long serialVersionUID = 1L;

        private final String who;
        private final String why;

        Refused(String who, String why, String message) {
            super(message, null, false, false);
            this.who = who;
            this.why = why;
        }

        /** The caller as the denial log names it (never the token). */
        public String who() {
            return who;
        }

        /** Why it was refused, for the denial log. */
        public String why() {
            return why;
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!table.guards(method)) {
            return next.startCall(call, headers);
        }
        Principal principal;
        try {
            principal = authenticate(headers.get(ChannelSecurity.AUTHORIZATION));
        } catch (Refused refused) {
            return refuse(call, refused.who, Status.UNAUTHENTICATED, refused.why, refused.getMessage());
        }
        MethodPermissions.Rule rule = table.rule(method);
        if (rule == null) {
            return refuse(call, principal.name(), Status.PERMISSION_DENIED, "no permission is defined for it",
                    method + " is not open to anyone: no permission is defined for it");
        }
        if (!principal.has(rule.permission())) {
            String missing = rule.permission().id();
            return refuse(call, principal.name(), Status.PERMISSION_DENIED, "lacks permission " + missing,
                    principal.name() + " lacks permission " + missing + ", which " + method + " needs");
        }
        return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal), call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String who, Status code, String why,
            String message) {
        denials.denied(who, call.getMethodDescriptor().getFullMethodName(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), why);
        call.close(code.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
