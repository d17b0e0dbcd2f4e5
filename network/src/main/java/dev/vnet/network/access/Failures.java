package dev.vnet.network.access;

import dev.vnet.network.registry.RegistryException;
import dev.vnet.proto.v1.Error;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;

/** Turns what the registry and the shell throw into what goes back on the wire. */
public final class Failures {

    private static final System.Logger LOG = System.getLogger(Failures.class.getName());

    private Failures() {}

    public static Error toError(Throwable failure) {
        Throwable cause = Errors.unwrap(failure);
        if (cause instanceof RegistryException refused) {
            return Error.newBuilder().setCode(refused.failure().grpcCode()).setMessage(refused.getMessage()).build();
        }
        if (cause instanceof CompletionException || cause instanceof io.grpc.StatusRuntimeException
                || cause instanceof dev.vnet.client.VnetException) {
            return Errors.toError(cause);
        }
        LOG.log(Level.ERROR, "unexpected failure in the coordinator", cause);
        return Errors.error(Status.Code.INTERNAL, "the coordinator failed unexpectedly: " + cause);
    }

    /** The status a failure from the registry, the store or the shell goes back as. */
    public static Status toStatus(Throwable failure) {
        return Errors.toStatusException(toError(failure)).getStatus();
    }

    /** INVALID_ARGUMENT with the problem as its message. */
    public static Status invalid(String problem) {
        return Status.INVALID_ARGUMENT.withDescription(problem);
    }
}
