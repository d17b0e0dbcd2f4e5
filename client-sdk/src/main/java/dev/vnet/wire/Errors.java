package dev.vnet.wire;

import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.Error;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Conversions between the three shapes a vnet failure takes: the {@code Error} message inside stream frames, a
 * gRPC status on unary calls, and the {@link VnetException} that SDK users catch.
 */
public final class Errors {

    /** Trailer that marks a status as the container's own failure rather than vnet's. */
    public static final Metadata.Key<String> FROM_CONTAINER =
            Metadata.Key.of("vnet-from-container", Metadata.ASCII_STRING_MARSHALLER);

    private Errors() {}

    public static Error error(Status.Code code, String message) {
        return Error.newBuilder().setCode(code.value()).setMessage(message).build();
    }

    /** A container's code threw: the caller sees UNKNOWN with the exception's message. */
    public static Error containerError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof VnetException v) {
            return Error.newBuilder().setCode(v.code().value()).setMessage(v.reason()).setFromContainer(true).build();
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return Error.newBuilder().setCode(Status.Code.UNKNOWN.value()).setMessage(text).setFromContainer(true).build();
    }

    public static StatusRuntimeException toStatusException(Error error) {
        Status status = Status.fromCodeValue(error.getCode()).withDescription(error.getMessage());
        Metadata trailers = new Metadata();
        if (error.getFromContainer()) {
            trailers.put(FROM_CONTAINER, "true");
        }
        return status.asRuntimeException(trailers);
    }

    public static VnetException toException(Error error) {
        return new VnetException(Status.fromCodeValue(error.getCode()).getCode(), error.getMessage(),
                error.getFromContainer());
    }

    /** Any failure as an {@code Error} frame: statuses keep their code, anything else is INTERNAL. */
    public static Error toError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof VnetException v) {
            return Error.newBuilder().setCode(v.code().value()).setMessage(v.reason())
                    .setFromContainer(v.fromContainer()).build();
        }
        if (cause instanceof StatusRuntimeException s) {
            Status status = s.getStatus();
            boolean fromContainer = s.getTrailers() != null && "true".equals(s.getTrailers().get(FROM_CONTAINER));
            return Error.newBuilder().setCode(status.getCode().value())
                    .setMessage(status.getDescription() == null ? status.getCode().toString() : status.getDescription())
                    .setFromContainer(fromContainer).build();
        }
        if (cause instanceof CancellationException) {
            return error(Status.Code.CANCELLED, "the call was cancelled");
        }
        return error(Status.Code.INTERNAL, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Any failure as the exception SDK users catch. */
    public static VnetException toException(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof VnetException v) {
            return v;
        }
        VnetException converted = toException(toError(cause));
        converted.initCause(cause);
        return converted;
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
