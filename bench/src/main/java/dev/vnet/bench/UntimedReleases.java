package dev.vnet.bench;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.VnetClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Releases the containers the create scenario makes, off the timed path: the scenario times the get of a new
 * container, as its target is stated, not the get plus the release. A release that fails still counts as an error
 * of the run it happened in.
 */
final class UntimedReleases {

    private final VnetClient client;
    private final AtomicLong failures = new AtomicLong();
    private volatile String firstFailure;

    UntimedReleases(VnetClient client) {
        this.client = client;
    }

    /** {@code created}, unchanged; once it completes, its container is released. */
    CompletableFuture<ContainerRef> releaseAfter(CompletableFuture<ContainerRef> created) {
        created.thenCompose(ref -> client.releaseAsync(ref.uuid())).whenComplete((released, failure) -> {
            if (failure != null && created.isDone() && !created.isCompletedExceptionally()) {
                failures.incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = "release: " + failure;
                }
            }
        });
        return created;
    }

    /** {@code outcome} with the releases that failed since the last call added to its errors. */
    ClosedLoop.Outcome addFailuresTo(ClosedLoop.Outcome outcome) {
        long failed = failures.getAndSet(0);
        String first = outcome.firstError() != null ? outcome.firstError() : failed > 0 ? firstFailure : null;
        return new ClosedLoop.Outcome(outcome.latencies(), outcome.errors() + failed, outcome.seconds(), first);
    }
}
