package dev.vnet.network.registry;

import dev.vnet.wire.DaemonThreads;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one thread that owns the {@link Registry}: commands from any thread are queued and applied in order, and
 * the registry's clock is ticked at a fixed rate. Futures returned here complete on this thread, so their
 * continuations must only do quick, non-blocking work (such as writing a frame to a stream).
 */
public final class RegistryLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RegistryLoop.class.getName());

    private volatile Registry registry;
    private final ScheduledExecutorService thread = DaemonThreads.scheduler("vnet-registry");

    public RegistryLoop(Registry registry) {
        this.registry = registry;
    }

    /**
     * Puts a new registry in place of the current one, after the commands already queued: a coordinator that stops
     * leading starts from nothing when it leads again.
     */
    public CompletableFuture<Void> replace(Registry fresh) {
        return CompletableFuture.runAsync(() -> registry = fresh, thread);
    }

    /** Starts ticking the registry every {@code tickMillis}. */
    public void start(long tickMillis) {
        thread.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Applies a command whose result is known at once. */
    public <T> CompletableFuture<T> call(Function<Registry, T> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(command.apply(registry));
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** Applies a command whose result comes later (e.g. once an agent has started a container). */
    public <T> CompletableFuture<T> compose(Function<Registry, CompletableFuture<T>> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                command.apply(registry).whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** Applies a command nobody waits for; a failure is logged. */
    public void run(Consumer<Registry> command) {
        thread.execute(() -> {
            try {
                command.accept(registry);
            } catch (Throwable failure) {
                LOG.log(Level.ERROR, "registry command failed", failure);
            }
        });
    }

    private void tick() {
        try {
            registry.tick();
        } catch (Throwable failure) {
            // A failing tick must not stop the clock: the next one may well succeed.
            LOG.log(Level.ERROR, "registry tick failed", failure);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
