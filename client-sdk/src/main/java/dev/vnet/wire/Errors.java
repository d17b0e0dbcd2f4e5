package dev.vnet.wire;

import dev.vnet.proto.v1.Error;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Conversions between the shapes a vnet failure takes: the {@code Error} message inside stream frames, a gRPC
 * status on unary calls, and a {@link CodedFailure} such as the {@code VnetException} that SDK users catch (which
 * makes itself from an {@code Error}).
 */
public final class Errors {

    /** Trailer that marks a status as the container's own failure rather than vnet's. */
    public static final Metadata.Key<String> FROM_CONTAINER =
            Metadata.Key.of("vnet-from-container", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * Longest error message passed on, in UTF-8 bytes; longer ones are cut. A status travels in an HTTP/2 trailer,
     * which gRPC peers limit to 8 KiB by default: a longer one never reached the caller (it waited out its deadline,
     * and its connection could be dropped). Percent-encoded, 1024 bytes take at most 3 KiB of a trailer.
     */
    public static final int MAX_MESSAGE_BYTES = 1024;

    private Errors() {}

    public static Error error(Status.Code code, String message) {
        return Error.newBuilder().setCode(code.value()).setMessage(cut(message)).build();
    }

    /** {@code message} if it fits {@link #MAX_MESSAGE_BYTES}, else its beginning and how long it was. */
    public static String cut(String message) {
        if (message == null || message.length() * 3 <= MAX_MESSAGE_BYTES) {
            return message; // fits whatever its characters are
        }
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_MESSAGE_BYTES) {
            return message;
        }
        String marker = " ... (cut: " + utf8.length + " bytes in all)";
        int room = MAX_MESSAGE_BYTES - marker.length();
        StringBuilder kept = new StringBuilder(room);
        int bytes = 0;
        for (int i = 0; i < message.length(); ) {
            int codePoint = message.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > room) {
                break;
            }
            kept.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return kept.append(marker).toString();
    }

    /** {@code error} with its message cut to {@link #MAX_MESSAGE_BYTES}. */
    public static Error cut(Error error) {
        String cut = cut(error.getMessage());
        return cut == error.getMessage() ? error : error.toBuilder().setMessage(cut).build();
    }

    /** {@code status} with its description cut to {@link #MAX_MESSAGE_BYTES}. */
    public static Status cut(Status status) {
        String description = status.getDescription();
        String cut = cut(description);
        return cut == description ? status : status.withDescription(cut);
    }

    /** A container's code threw: the caller sees UNKNOWN with the exception's message. */
    public static Error containerError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CodedFailure v) {
            return Error.newBuilder().setCode(v.code().value()).setMessage(cut(v.reason())).setFromContainer(true)
                    .build();
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return Error.newBuilder().setCode(Status.Code.UNKNOWN.value()).setMessage(cut(text)).setFromContainer(true)
                .build();
    }

    public static StatusRuntimeException toStatusException(Error error) {
        Status status = Status.fromCodeValue(error.getCode()).withDescription(cut(error.getMessage()));
        Metadata trailers = new Metadata();
        if (error.getFromContainer()) {
            trailers.put(FROM_CONTAINER, "true");
        }
        return status.asRuntimeException(trailers);
    }

    /** Any failure as an {@code Error} frame: statuses keep their code, anything else is INTERNAL. */
    public static Error toError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CodedFailure v) {
            return Error.newBuilder().setCode(v.code().value()).setMessage(cut(v.reason()))
                    .setFromContainer(v.fromContainer()).build();
        }
        if (cause instanceof StatusRuntimeException s) {
            Status status = s.getStatus();
            boolean fromContainer = s.getTrailers() != null && "true".equals(s.getTrailers().get(FROM_CONTAINER));
            return Error.newBuilder().setCode(status.getCode().value())
                    .setMessage(status.getDescription() == null ? status.getCode().toString()
                            : cut(status.getDescription()))
                    .setFromContainer(fromContainer).build();
        }
        if (cause instanceof CancellationException) {
            return error(Status.Code.CANCELLED, "the call was cancelled");
        }
        return error(Status.Code.INTERNAL, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
