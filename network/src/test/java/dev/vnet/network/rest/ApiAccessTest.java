package dev.vnet.network.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.BearerTokens;
import dev.vnet.security.Permission;
import dev.vnet.security.StaticTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP API's one decision on who may do what: the gRPC port's tokens and permissions, the same refusals. */
class ApiAccessTest {

    private static final String MIGRATE = "POST /api/v1/containers/{uuid}/migrate";

    private final ApiAccess access = new ApiAccess(() -> AuthInterceptor.requiring(new BearerTokens(new StaticTokens()
            .add("viewer", "viewer-secret-0123456789", Set.of(Permission.ADMIN_READ, Permission.MIGRATION_VIEW))
            .add("operator", "operator-secret-0123456789", EnumSet.allOf(Permission.class)), null)));

    @Test
    void aReadOnlyTokenMayReadButNotMigrate() {
        assertThat(access.require("Bearer viewer-secret-0123456789", Permission.ADMIN_READ, "GET /api/v1/agents",
                "peer").name()).isEqualTo("viewer");
        assertThatThrownBy(() -> access.require("Bearer viewer-secret-0123456789", Permission.MIGRATION_MANAGE,
                MIGRATE, "peer"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("viewer lacks permission migration:manage, which " + MIGRATE + " needs");
                    assertThat(HttpStatuses.of(e.getStatus().getCode())).isEqualTo(403);
                });
        assertThat(access.require("bearer operator-secret-0123456789", Permission.MIGRATION_MANAGE, MIGRATE, "peer")
                .name()).isEqualTo("operator");
    }

    @Test
    void aMissingOrUnknownTokenIsUnauthenticated() {
        assertThatThrownBy(() -> access.require(null, Permission.ADMIN_READ, "GET /api/v1/agents", "peer"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("authorization: Bearer <token>");
                });
        assertThatThrownBy(() -> access.require("Basic dXNlcjpwYXNz", Permission.ADMIN_READ, "x", "peer"))
                .hasMessageContaining("must be 'Bearer <token>'");
        assertThatThrownBy(() -> access.require("Bearer nobody-knows-this", null, "GET /api/v1/me", "peer"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(access.isOn()).isTrue();
    }

    @Test
    void withSecurityOffEveryoneMayDoEverything() {
        ApiAccess open = new ApiAccess(AuthInterceptor::off);
        assertThat(open.require(null, Permission.MIGRATION_MANAGE, MIGRATE, "peer").permissions())
                .containsExactlyInAnyOrder(Permission.values());
        assertThat(open.isOn()).isFalse();
    }

    @Test
    void beforeStartUpNobodyIsLetIn() {
        assertThatThrownBy(() -> new ApiAccess(() -> null).require(null, null, "GET /api/v1/me", "peer"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
