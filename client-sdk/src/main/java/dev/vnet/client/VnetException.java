package dev.vnet.client;

import io.grpc.Status;

/**
 * A vnet call failed. {@link #code()} is the gRPC status code the network (or agent) answered with, and the
 * message says what went wrong; {@link #fromContainer()} tells a container's own failure (it threw, and keeps
 * running) from a failure to deliver the call.
 */
public class VnetException extends RuntimeException {

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

    public Status.Code code() {
        return code;
    }

    public boolean fromContainer() {
        return fromContainer;
    }

    /** The message without the status code in front. */
    public String reason() {
        String message = getMessage();
        int prefix = code.toString().length() + 2;
        return message.length() >= prefix ? message.substring(prefix) : message;
    }
}
