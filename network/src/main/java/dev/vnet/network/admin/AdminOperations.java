package dev.vnet.network.admin;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.access.ContainerGuard;
import dev.vnet.network.access.Failures;
import dev.vnet.network.access.ServingGate;
import dev.vnet.network.registry.Registry;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistryStats;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreUnavailableException;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.ContainerDetail;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.security.Authorization;
import dev.vnet.security.Principal;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Names;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What operators may ask of and do to the network, once for every door: the gRPC {@code vnet.v1.Admin} service
 * and the HTTP API ({@code /api/v1}) both call these methods and only translate. Each checks its arguments (a
 * failed future with INVALID_ARGUMENT naming the field), reads the store on the admin threads (reads block, and
 * transport threads must not), bounded by {@link StoreReadTimeout}, or sends a command to the registry thread.
 *
 * <p>Failures are {@code StatusRuntimeException}s or registry refusals: {@link Failures#toStatus} names their
 * gRPC status either way.
 */
public final class AdminOperations implements AutoCloseable {

    /** Moves listed when the caller does not say how many. */
    public static final int DEFAULT_HISTORY = 50;
    /** The most moves one answer lists. */
    public static final int MAX_HISTORY = 1000;

    private final StoreReader store;
    private final StoreReadTimeout readTimeout;
    private final RegistryLoop loop;
    private final Names names;
    private final ServingGate gate;
    private final EventHub events;
    private final ExecutorService readers = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(100), DaemonThreads.factory("vnet-admin"));

    /**
     * @param readTimeout bounds every read from the store
     * @param gate        open while this replica leads: questions the registry answers are refused (UNAVAILABLE,
     *                    naming the leader) while it is closed, since a standby's registry is empty
     */
    public AdminOperations(StoreReader store, StoreReadTimeout readTimeout, RegistryLoop loop, EventHub events,
            Names names, ServingGate gate) {
        this.store = store;
        this.readTimeout = readTimeout;
        this.events = events;
        this.loop = loop;
        this.names = names;
        this.gate = gate;
    }

    /** The identifier rules, with this network's limits. */
    public Names names() {
        return names;
    }

    // ---- reports from the store (any replica) ----

    /** Every node with its health; {@code only} other than UNSPECIFIED keeps that status. */
    public CompletableFuture<List<NodeInfo>> nodes(NodeStatus only) {
        if (only == NodeStatus.UNRECOGNIZED) {
            return invalid("status is not a NodeStatus");
        }
        return read(() -> store.nodes(only));
    }

    /** Who leads, as the store says. */
    public CompletableFuture<LeaderInfo> leader() {
        return read(store::leader);
    }

    /**
     * The moves of one container, newest first; {@code limit} 0 means {@value #DEFAULT_HISTORY}. Any replica answers
     * from the store, except for a caller limited to a scope: whether the container is in it is the leader's to say.
     */
    public CompletableFuture<List<MigrationInfo>> history(String uuid, int limit, Principal caller) {
        String problem = names.idProblem("uuid", uuid);
        if (problem == null && limit < 0) {
            problem = "limit must not be negative";
        }
        if (problem != null) {
            return invalid(problem);
        }
        int rows = limit > 0 ? Math.min(limit, MAX_HISTORY) : DEFAULT_HISTORY;
        if (Authorization.isScoped(caller)) {
            return reachable(caller, uuid, registry -> null).thenCompose(ok -> read(() -> store.history(uuid, rows)));
        }
        return read(() -> store.history(uuid, rows));
    }

    // ---- the registry (the leader only) ----

    /** Every agent the leader knows, by id. */
    public CompletableFuture<List<AgentInfo>> agents() {
        return registry(Registry::agents);
    }

    /** Counts by state, for the console's overview. */
    public CompletableFuture<RegistryStats> stats() {
        return registry(Registry::stats);
    }

    /** One page of the containers {@code query} selects that {@code caller} may reach, in its order. */
    public CompletableFuture<ContainerPage> containers(ContainerQuery query, Principal caller) {
        String problem = Names.first(query.kind().isEmpty() ? null : names.kindProblem("kind", query.kind()),
                names.labelsProblem("labels", query.labels()),
                names.optionalIdProblem("agent", query.agentId()));
        if (problem != null) {
            return invalid(problem);
        }
        // The registry thread only collects; filtering the rest, sorting and paging happen on the caller's.
        return registry(registry -> registry.containers(query.kind(), query.labels(), query.agentId()))
                .thenApplyAsync(candidates -> query.page(Authorization.isScoped(caller) ? candidates.stream()
                        .filter(c -> Authorization.reaches(caller, c.getKind(), c.getLabelsList())).toList()
                        : candidates), readers);
    }

    /** One container in full, as the leader holds it now. */
    public CompletableFuture<ContainerDetail> container(String uuid, Principal caller) {
        String problem = names.idProblem("uuid", uuid);
        return problem != null ? invalid(problem) : reachable(caller, uuid, registry -> registry.container(uuid));
    }

    /** Moves an {@code ha} container; completes when the move is over. Empty {@code target}: the network picks. */
    public CompletableFuture<MigrationInfo> migrate(String uuid, String target, Principal caller) {
        String problem = Names.first(names.idProblem("uuid", uuid), names.optionalIdProblem("target_agent", target));
        if (problem != null) {
            return invalid(problem);
        }
        Status closed = gate.refusal();
        if (closed != null) {
            return CompletableFuture.failedFuture(closed.asRuntimeException());
        }
        return loop.compose(registry -> {
            ContainerGuard.requireReachable(registry, caller, uuid);
            return registry.migrate(uuid, target);
        });
    }

    /** Drains an agent; standard containers stop when released or after {@code deadlineMs} (0: the default). */
    public CompletableFuture<AgentInfo> drain(String agentId, long deadlineMs) {
        String problem = names.idProblem("agent_id", agentId);
        if (problem == null && deadlineMs < 0) {
            problem = "deadline_ms must not be negative";
        }
        return problem != null ? invalid(problem) : registry(registry -> registry.drain(agentId, deadlineMs));
    }

    /** Stops and forgets a container. */
    public CompletableFuture<Void> delete(String uuid, Principal caller) {
        String problem = names.idProblem("uuid", uuid);
        return problem != null ? invalid(problem) : reachable(caller, uuid, registry -> {
            registry.delete(uuid);
            return null;
        });
    }

    /**
     * Adds a watcher of every event from now on (registry thread). The watcher is dropped when it answers false,
     * and when this replica stops leading: a watcher that must know checks {@link #leads()}.
     */
    public CompletableFuture<Void> watch(EventHub.Watcher watcher) {
        return registry(registry -> {
            events.add(watcher);
            return null;
        });
    }

    /** Whether this replica leads and serves (its registry answers). */
    public boolean leads() {
        return gate.isOpen();
    }

    /** Throws UNAVAILABLE (naming the leader when known) unless this replica leads. */
    public void requireLeads() {
        Status closed = gate.refusal();
        if (closed != null) {
            throw closed.asRuntimeException();
        }
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }

    private <T> CompletableFuture<T> registry(Function<Registry, T> command) {
        Status closed = gate.refusal();
        if (closed != null) {
            return CompletableFuture.failedFuture(closed.asRuntimeException());
        }
        return loop.call(command);
    }

    /**
     * Runs {@code command} on the registry's thread once {@code caller} may reach container {@code uuid}; a container
     * outside the caller's scope is NOT_FOUND, exactly as one that does not exist.
     */
    private <T> CompletableFuture<T> reachable(Principal caller, String uuid, Function<Registry, T> command) {
        return registry(registry -> {
            ContainerGuard.requireReachable(registry, caller, uuid);
            return command.apply(registry);
        });
    }

    /**
     * Runs {@code read} on an admin thread within the read timeout; a read that outlives it is interrupted, so that
     * a stuck database does not keep the admin threads.
     */
    private <T> CompletableFuture<T> read(Supplier<T> read) {
        return readTimeout.bound(() -> {
            CompletableFuture<T> answer = new CompletableFuture<>();
            try {
                Future<?> reading = readers.submit(() -> {
                    try {
                        answer.complete(read.get());
                    } catch (StoreUnavailableException e) {
                        answer.completeExceptionally(Status.UNAVAILABLE.withDescription(e.getMessage())
                                .asRuntimeException());
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                });
                answer.whenComplete((value, failure) -> {
                    if (answer.isCancelled()) {
                        reading.cancel(true);
                    }
                });
            } catch (RejectedExecutionException busy) {
                answer.completeExceptionally(Status.RESOURCE_EXHAUSTED
                        .withDescription("too many admin reads at once; retry shortly").asRuntimeException());
            }
            return answer;
        });
    }

    private static <T> CompletableFuture<T> invalid(String problem) {
        return CompletableFuture.failedFuture(Failures.invalid(problem).asRuntimeException());
    }
}
