package dev.vnet.network.admin;

import dev.vnet.network.store.StoreConfig;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The bound of an operator's read from the store ({@value StoreConfig#ADMIN_READ_TIMEOUT}): a SmallRye Fault
 * Tolerance timeout guard around the read's future, so that a slow or stuck PostgreSQL answers the gRPC Admin
 * service and the HTTP API with DEADLINE_EXCEEDED (HTTP 504) naming the setting, instead of keeping the caller
 * waiting. The guard only watches the future, on its timer: no thread waits for it.
 */
public final class StoreReadTimeout {

    private final Guard guard;
    private final Duration bound;

    private StoreReadTimeout(Guard guard, Duration bound) {
        this.guard = guard;
        this.bound = bound;
    }

    /** Needs the SmallRye Fault Tolerance runtime (the Quarkus application): the guard is made here. */
    public static StoreReadTimeout of(Duration bound) {
        return new StoreReadTimeout(Guard.create()
                .withDescription("admin read from the store")
                .withTimeout().duration(bound.toMillis(), ChronoUnit.MILLIS).done()
                .build(), bound);
    }

    /**
     * Runs {@code read} (which starts the read and answers its future) under the bound. When the bound passes first,
     * the read's future is cancelled, so that whoever runs it may stop, and the answer fails DEADLINE_EXCEEDED.
     */
    <T> CompletableFuture<T> bound(Supplier<CompletableFuture<T>> read) {
        CompletableFuture<CompletableFuture<T>> started = new CompletableFuture<>();
        CompletionStage<T> guarded = guard.get(() -> {
            CompletableFuture<T> running = read.get();
            started.complete(running);
            return running;
        }, new TypeLiteral<CompletionStage<T>>() { });
        CompletableFuture<T> answer = new CompletableFuture<>();
        guarded.whenComplete((value, failure) -> {
            if (failure == null) {
                answer.complete(value);
            } else if (Errors.unwrap(failure) instanceof TimeoutException) {
                started.thenAccept(running -> running.cancel(true));
                answer.completeExceptionally(Status.DEADLINE_EXCEEDED.withDescription(String.format(
                        "the store (PostgreSQL) did not answer within %d ms (%s); try again, or raise the setting",
                        bound.toMillis(), StoreConfig.ADMIN_READ_TIMEOUT)).asRuntimeException());
            } else {
                answer.completeExceptionally(Errors.unwrap(failure));
            }
        });
        return answer;
    }
}
