package dev.vnet.network.registry;

import dev.vnet.wire.DaemonThreads;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
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

    /** How long one wait for a doubt about the leadership to settle lasts before the loop looks again. */
    private static final long DOUBT_POLL_MS = 50;

    private volatile Registry registry;
    private final Mandate mandate;
    /** The current registry is done with: its coordinator stopped leading; commands for it are dropped. */
    private volatile boolean retired;
    private final ScheduledExecutorService thread = DaemonThreads.scheduler("vnet-registry");

    public RegistryLoop(Registry registry) {
        this(registry, Mandate.UNCONDITIONAL);
    }

    /** @param mandate while it is in doubt, no command and no tick runs: they wait until it is settled */
    public RegistryLoop(Registry registry, Mandate mandate) {
        this.registry = registry;
        this.mandate = mandate;
    }

    public Mandate mandate() {
        return mandate;
    }

    /**
     * From any thread: the current registry's clock. Whatever the registry compares with its own time (when an
     * agent was last heard, by when a waiting call must be answered) must be read on this clock, not the system's.
     */
    public InstantSource clock() {
        return registry.clock();
    }

    /**
     * From any thread, at once: nothing more is done with the current registry (commands still queued for it, or
     * waiting for a doubt to settle, are dropped) until {@link #replace} puts a fresh one in its place.
     */
    public void retire() {
        retired = true;
        synchronized (mandate) {
            mandate.notifyAll();
        }
    }

    /**
     * Puts a new registry in place of the current one, after the commands already queued: a coordinator that stops
     * leading starts from nothing when it leads again.
     */
    public CompletableFuture<Void> replace(Registry fresh) {
        return CompletableFuture.runAsync(() -> {
            registry = fresh;
            retired = false;
        }, thread);
    }

    /**
     * Whether a command or tick may run now: waits while the leadership is in doubt, and answers false when the
     * registry was retired meanwhile (or before).
     */
    private boolean mayAct() {
        if (!retired && mandate.inDoubt()) {
            LOG.log(Level.WARNING, "this coordinator's leader lease ran out by its own clock (it was paused): the "
                    + "registry acts on nothing until the election has checked the lease");
            try {
                while (!retired && mandate.inDoubt()) {
                    mandate.awaitSettled(DOUBT_POLL_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !retired;
    }

    private static IllegalStateException notLeading() {
        return new IllegalStateException("this coordinator no longer leads");
    }

    /** Starts ticking the registry every {@code tickMillis}. */
    public void start(long tickMillis) {
        thread.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Applies a command whose result is known at once. */
    public <T> CompletableFuture<T> call(Function<Registry, T> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            if (!mayAct()) {
                result.completeExceptionally(notLeading());
                return;
            }
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
            if (!mayAct()) {
                result.completeExceptionally(notLeading());
                return;
            }
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
            if (!mayAct()) {
                return;
            }
            try {
                command.accept(registry);
            } catch (Throwable failure) {
                LOG.log(Level.ERROR, "registry command failed", failure);
            }
        });
    }

    private void tick() {
        if (!mayAct()) {
            return;
        }
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
