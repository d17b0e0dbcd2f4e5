package dev.vnet.wire;

import io.grpc.Status;

/**
 * A failure that carries the status it travels as. The client's {@code VnetException}, which SDK users catch and
 * container code throws, is one: {@link Errors} turns any such failure into an {@code Error} frame without knowing
 * the client's types.
 */
public interface CodedFailure {

    Status.Code code();

    /** The message without the status code in front. */
    String reason();

    /** Whether it is a container's own failure (it threw, and keeps running) rather than vnet's. */
    boolean fromContainer();
}
