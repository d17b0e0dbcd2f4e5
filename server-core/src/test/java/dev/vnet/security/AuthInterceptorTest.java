package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every vnet RPC over real gRPC: refused without a token, without its permission, and let through with it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthInterceptorTest {

    private static final String EVERYTHING = "token-with-every-permission";
    private static final String NOTHING = "token-with-no-permission-at-all";

    private final StaticTokens tokens = new StaticTokens();
    private Server server;
    private Endpoint endpoint;

    @BeforeAll
    void start() {
        tokens.add("root", EVERYTHING, EnumSet.allOf(Permission.class));
        tokens.add("nobody", NOTHING, Set.of());
        for (Permission permission : Permission.values()) {
            tokens.add("only-" + permission.id(), tokenFor(permission), Set.of(permission));
        }
        server = Probe.start(AuthInterceptor.requiring(tokens), null);
        endpoint = new Endpoint("127.0.0.1", server.getPort());
    }

    @AfterAll
    void stop() {
        server.shutdownNow();
    }

    @Test
    void everyVnetMethodHasARule() {
        Map<String, MethodPermissions.Rule> rules = MethodPermissions.vnet().rules();

        assertThat(Probe.methods().map(MethodDescriptor::getFullMethodName))
                .allSatisfy(name -> assertThat(rules).as("rule for " + name).containsKey(name));
    }

    @Test
    void theSessionStreamNeedsContainerGet() {
        assertThat(MethodPermissions.vnet().rule(NetworkGrpc.getSessionMethod().getFullMethodName()).permission())
                .isEqualTo(Permission.CONTAINER_GET);
    }

    @Test
    void eachMethodIsDeniedWithoutItsPermissionAndAllowedWithIt() {
        MethodPermissions table = MethodPermissions.vnet();
        Probe.methods().forEach(method -> {
            Permission needed = table.rule(method.getFullMethodName()).permission();
            Status allowed = call(tokenFor(needed), method);
            assertThat(allowed.getCode()).as(method.getFullMethodName() + " with " + needed)
                    .isEqualTo(Status.Code.UNIMPLEMENTED);
            Permission other = needed == Permission.ADMIN_READ ? Permission.CONTAINER_GET : Permission.ADMIN_READ;
            Status denied = call(tokenFor(other), method);
            assertThat(denied.getCode()).as(method.getFullMethodName() + " with only " + other)
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(denied.getDescription()).contains("lacks permission " + needed.id())
                    .contains("only-" + other.id());
        });
    }

    @Test
    void aCallWithoutAValidTokenIsUnauthenticated() {
        MethodDescriptor<?, ?> get = dev.vnet.proto.v1.NetworkGrpc.getGetMethod();

        Status none = call(null, get);
        assertThat(none.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(none.getDescription()).contains("authorization: Bearer");
        Status wrong = call("a-token-nobody-configured", get);
        assertThat(wrong.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getDescription()).contains("not accepted").doesNotContain("a-token-nobody-configured");
    }

    @Test
    void healthStaysOpenForProbes() {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, ChannelSecurity.NONE);
        try {
            assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
                    .isNotNull();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void withAuthenticationOffEverythingIsLetThrough() {
        Server open = Probe.start(AuthInterceptor.off(), null);
        ManagedChannel channel = Grpc.channel(new Endpoint("127.0.0.1", open.getPort()), 1 << 20, ChannelSecurity.NONE);
        try {
            assertThat(Probe.methods().map(method -> Probe.call(channel, method).getCode()).distinct().toList())
                    .isEqualTo(List.of(Status.Code.UNIMPLEMENTED));
        } finally {
            channel.shutdownNow();
            open.shutdownNow();
        }
    }

    private Status call(String token, MethodDescriptor<?, ?> method) {
        ManagedChannel channel = Grpc.channel(endpoint, 1 << 20, new ChannelSecurity(null, token));
        try {
            return Probe.call(channel, method);
        } finally {
            channel.shutdownNow();
        }
    }

    private static String tokenFor(Permission permission) {
        return "token-for-" + permission.id().replace(':', '-') + "-0123456789";
    }
}
