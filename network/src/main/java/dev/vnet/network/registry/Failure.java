package dev.vnet.network.registry;

/** Why a registry command was refused; each maps one-to-one onto a gRPC status code of the same name. */
public enum Failure {
    /** Something failed that vnet cannot classify, typically a container factory that threw. */
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    INTERNAL(13),
    UNAVAILABLE(14);

    private final int grpcCode;

    Failure(int grpcCode) {
        this.grpcCode = grpcCode;
    }

    public int grpcCode() {
        return grpcCode;
    }

    /** The failure with this gRPC code; UNKNOWN for codes the registry does not produce itself. */
    public static Failure ofGrpcCode(int code) {
        for (Failure failure : values()) {
            if (failure.grpcCode == code) {
                return failure;
            }
        }
        return UNKNOWN;
    }
}
