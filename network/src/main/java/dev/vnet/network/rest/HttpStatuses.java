package dev.vnet.network.rest;

import io.grpc.Status;

/**
 * The HTTP status each gRPC code goes back as, as Google's API design guide maps them (and grpc-gateway does),
 * so that {@code curl} users get the same meaning as gRPC callers; the JSON body names the gRPC code itself.
 */
public final class HttpStatuses {

    private HttpStatuses() {}

    public static int of(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case CANCELLED -> 499;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
        };
    }
}
