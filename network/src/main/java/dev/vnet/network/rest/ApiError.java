package dev.vnet.network.rest;

import dev.vnet.network.access.Failures;
import io.grpc.Status;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of every refusal: the gRPC status code's name (the same a gRPC caller gets) and a message saying what
 * to fix.
 */
@Schema(name = "Error", description = "Why a request was refused")
public record ApiError(
        @Schema(description = "The gRPC status code's name, e.g. PERMISSION_DENIED", example = "NOT_FOUND") String code,
        @Schema(description = "What went wrong and what to do about it") String message) {

    /** The response a failure goes back as: its HTTP status and this body. */
    public static Response response(Throwable failure) {
        Status status = Failures.toStatus(failure);
        return Response.status(HttpStatuses.of(status.getCode())).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status.getCode().name(), status.getDescription() == null ? ""
                        : status.getDescription()))
                .build();
    }
}
