package dev.vnet.network.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.network.admin.ContainerPage;
import dev.vnet.network.admin.ContainerQuery;
import dev.vnet.network.registry.Failure;
import dev.vnet.network.registry.RegistryException;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.MigrationStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How the HTTP API maps statuses, parameters and pages: the same meanings as the gRPC API. */
class ApiMappingTest {

    @Test
    void everyGrpcCodeHasTheHttpStatusOfGooglesMapping() {
        assertThat(HttpStatuses.of(Status.Code.INVALID_ARGUMENT)).isEqualTo(400);
        assertThat(HttpStatuses.of(Status.Code.FAILED_PRECONDITION)).isEqualTo(400);
        assertThat(HttpStatuses.of(Status.Code.UNAUTHENTICATED)).isEqualTo(401);
        assertThat(HttpStatuses.of(Status.Code.PERMISSION_DENIED)).isEqualTo(403);
        assertThat(HttpStatuses.of(Status.Code.NOT_FOUND)).isEqualTo(404);
        assertThat(HttpStatuses.of(Status.Code.ALREADY_EXISTS)).isEqualTo(409);
        assertThat(HttpStatuses.of(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(429);
        assertThat(HttpStatuses.of(Status.Code.INTERNAL)).isEqualTo(500);
        assertThat(HttpStatuses.of(Status.Code.UNAVAILABLE)).isEqualTo(503);
        assertThat(HttpStatuses.of(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(504);
        for (Status.Code code : Status.Code.values()) {
            assertThat(HttpStatuses.of(code)).isBetween(200, 599);
        }
    }

    @Test
    void registryRefusalsKeepTheirCodeAndMessage() {
        Response response = ApiError.response(new CompletionException(
                new RegistryException(Failure.NOT_FOUND, "container c-1 does not exist")));
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getEntity()).isEqualTo(new ApiError("NOT_FOUND", "container c-1 does not exist"));

        response = ApiError.response(new RegistryException(Failure.FAILED_PRECONDITION, "container c-1 is migrating"));
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(((ApiError) response.getEntity()).code()).isEqualTo("FAILED_PRECONDITION");
    }

    @Test
    void enumParametersTakeShortOrFullNamesAndNameWhatIsAllowed() {
        assertThat(ApiParams.value("type", "ha", ContainerType.values(), "CONTAINER_TYPE_",
                ContainerType.CONTAINER_TYPE_UNSPECIFIED)).isEqualTo(ContainerType.CONTAINER_TYPE_HA);
        assertThat(ApiParams.value("type", "CONTAINER_TYPE_STANDARD", ContainerType.values(), "CONTAINER_TYPE_",
                ContainerType.CONTAINER_TYPE_UNSPECIFIED)).isEqualTo(ContainerType.CONTAINER_TYPE_STANDARD);
        assertThat(ApiParams.value("type", null, ContainerType.values(), "CONTAINER_TYPE_",
                ContainerType.CONTAINER_TYPE_UNSPECIFIED)).isEqualTo(ContainerType.CONTAINER_TYPE_UNSPECIFIED);
        assertThatThrownBy(() -> ApiParams.value("type", "huge", ContainerType.values(), "CONTAINER_TYPE_",
                ContainerType.CONTAINER_TYPE_UNSPECIFIED))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("type 'huge' is not one of standard, stateless, ha");
                });
        assertThat(EventFeed.name(EventKind.EVENT_KIND_MIGRATION_STARTED)).isEqualTo("migration_started");
    }

    @Test
    void badPagingAndSortAreInvalidArguments() {
        assertThatThrownBy(() -> ApiParams.containers(null, null, null, null, null, null, "size", null, null))
                .hasMessageContaining("sort 'size' is not one of uuid, kind, type, state, agent, migration, created,"
                        + " references");
        assertThatThrownBy(() -> ApiParams.containers(null, null, null, null, null, null, null, -1, null))
                .hasMessageContaining("offset must not be negative");
        assertThatThrownBy(() -> ApiParams.containers(null, null, null, null, null, null, null, 0, 1001))
                .hasMessageContaining("limit must be between 1 and 1000");
    }

    @Test
    void aPageIsFilteredSortedAndCut() {
        List<ContainerInfo> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(ContainerInfo.newBuilder().setUuid(String.format("c-%02d", i)).setKind("echo")
                    .setType(i % 2 == 0 ? ContainerType.CONTAINER_TYPE_HA : ContainerType.CONTAINER_TYPE_STANDARD)
                    .setState(ContainerState.CONTAINER_STATE_RUNNING)
                    .setMigrationStatus(MigrationStatus.MIGRATION_STATUS_IDLE).setCreatedAtMs(1000 - i).build());
        }
        ContainerQuery haNewestFirst = ApiParams.containers("", List.of(), "", "ha", "running", "idle", "-created",
                1, 2);
        ContainerPage page = haNewestFirst.page(all);
        assertThat(page.total()).isEqualTo(5);
        assertThat(page.offset()).isEqualTo(1);
        assertThat(page.containers()).extracting(ContainerInfo::getUuid).containsExactly("c-02", "c-04");

        ContainerPage beyond = ApiParams.containers(null, null, null, null, null, null, "uuid", 20, 5).page(all);
        assertThat(beyond.total()).isEqualTo(10);
        assertThat(beyond.containers()).isEmpty();
    }
}
