package dev.vnet.client;

import dev.vnet.proto.v1.Error;
import dev.vnet.wire.CodedFailure;
import dev.vnet.wire.Errors;
import io.grpc.Status;

/**
 * A vnet call failed. {@link #code()} is the gRPC status code the network (or agent) answered with, and the
 * message says what went wrong; {@link #fromContainer()} tells a container's own failure (it threw, and keeps
 * running) from a failure to deliver the call.
 */
public class VnetException extends RuntimeException implements CodedFailure {

    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final boolean fromContainer;

    public VnetException(Status.Code code, String message, boolean fromContainer) {
        super(code + ": " + message);
        this.code = code;
        this.fromContainer = fromContainer;
    }

    public VnetException(Status.Code code, String message) {
        this(code, message, false);
    }

    /** The exception an {@code Error} frame stands for. */
    public static VnetException from(Error error) {
        return new VnetException(Status.fromCodeValue(error.getCode()).getCode(), error.getMessage(),
                error.getFromContainer());
    }

    /** Any failure as the exception SDK users catch: statuses keep their code, anything else is INTERNAL. */
    public static VnetException from(Throwable failure) {
        Throwable cause = Errors.unwrap(failure);
        if (cause instanceof VnetException v) {
            return v;
        }
        VnetException converted = from(Errors.toError(cause));
        converted.initCause(cause);
        return converted;
    }

    @Override
    public Status.Code code() {
        return code;
    }

    @Override
    public boolean fromContainer() {
        return fromContainer;
    }

    /** The message without the status code in front. */
    @Override
    public String reason() {
        String message = getMessage();
        int prefix = code.toString().length() + 2;
        return message.length() >= prefix ? message.substring(prefix) : message;
    }
}
