package dev.vnet.client;

import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Blocking on vnet's futures, for the blocking forms of the API. */
public final class Futures {

    private Futures() {}

    /**
     * Waits for a future that its own deadline bounds (every vnet call has one), unwrapping its failure into the
     * {@link VnetException} callers catch.
     */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw VnetException.from(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VnetException(Status.Code.CANCELLED, "interrupted while waiting for the answer");
        }
    }
}
