package dev.vnet.runtime;

import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.wire.Errors;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One container copy running in this agent: its code, the executor its calls run on, its connected clients.
 * Every call into the container's code goes through {@link #executor}, so the kind's {@link Threading} holds for
 * requests, connects and termination alike.
 */
final class HostedContainer {

    private static final System.Logger LOG = System.getLogger(HostedContainer.class.getName());
    private static final Payload EMPTY = Payload.getDefaultInstance();

    private final ContainerContext context;
    private final Container container;
    private final Executor executor;
    private final BooleanSupplier fenced;
    private final int maxPayloadBytes;
    private final Map<String, ClientLink> clients = new ConcurrentHashMap<>();
    private volatile boolean terminated;
    /**
     * Set at once when termination is decided, on the deciding thread; {@link #terminated} follows when the
     * termination runs, after the calls already queued. Calls that arrive in between are refused, whatever the
     * container's threading: with CONCURRENT or INLINE nothing orders them behind the termination.
     */
    private volatile boolean retiring;
    /** The activation this copy serves; 0 while a stateless copy is a standby. */
    private volatile long epoch;

    /**
     * @param fenced true while this copy must not serve (its kind fences itself and the agent lost the network)
     */
    HostedContainer(ContainerContext context, Container container, Executor executor, BooleanSupplier fenced,
            int maxPayloadBytes) {
        this.context = context;
        this.container = container;
        this.executor = executor;
        this.fenced = fenced;
        this.maxPayloadBytes = maxPayloadBytes;
        this.epoch = context.epoch();
    }

    ContainerContext context() {
        return context;
    }

    long epoch() {
        return epoch;
    }

    boolean isStateless() {
        return context.type() == ContainerType.CONTAINER_TYPE_STATELESS;
    }

    boolean isActive() {
        return epoch != 0 && !terminated;
    }

    /** Why this copy cannot serve now, or null when it can. */
    private Error refusal() {
        if (terminated) {
            return terminatedError();
        }
        if (epoch == 0) {
            return Errors.error(Status.Code.UNAVAILABLE, "agent " + context.agentId() + " holds a standby copy of "
                    + context.uuid() + "; the active copy runs elsewhere: ask the network");
        }
        if (fenced.getAsBoolean()) {
            return Errors.error(Status.Code.UNAVAILABLE, "agent " + context.agentId() + " has been out of touch "
                    + "with the network for longer than the alive timeout; its copy of " + context.uuid() + " (a "
                    + context.kind() + " container the network may have moved) serves again only once the agent has "
                    + "registered again: ask the network where it runs");
        }
        return null;
    }

    private Error terminatedError() {
        return Errors.error(Status.Code.UNAVAILABLE, "container " + context.uuid() + " was terminated");
    }

    /** @param traced the call's spans, or null when it is not traced */
    void call(Call call, long deadlineNanos, ReplyTo reply, CallTracing.Traced traced) {
        // Judged when the call arrives, not only when it runs: a call that came while the agent was out of touch
        // would otherwise wait in the queue while the agent registers again, and run once the fence is lifted but
        // before the termination of this (moved, stale) copy, queued behind it, marks it terminated. The agent ends
        // a moved copy before it lifts the fence, so a call arriving after that finds it retiring.
        Error refusedOnArrival = retiring ? terminatedError() : refusal();
        if (refusedOnArrival != null) {
            reply.fail(refusedOnArrival);
            return;
        }
        submit(reply::fail, () -> {
            Error refused = refusal();
            if (refused != null) {
                reply.fail(refused);
                return;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                reply.fail(Errors.error(Status.Code.DEADLINE_EXCEEDED,
                        "container " + context.uuid() + " was still busy when the call's deadline passed"));
                return;
            }
            Payload answer;
            try {
                answer = traced == null ? container.request(call)
                        : traced.inContainer(context.kind(), call, () -> container.request(call));
            } catch (Throwable failure) {
                LOG.log(Level.DEBUG, () -> "container " + context.uuid() + " failed " + call.operation(), failure);
                reply.fail(Errors.containerError(failure));
                return;
            }
            if (answer != null && answer.getData().size() > maxPayloadBytes) {
                reply.fail(Errors.error(Status.Code.RESOURCE_EXHAUSTED, "container " + context.uuid() + " answered "
                        + answer.getData().size() + " bytes; the limit is " + maxPayloadBytes
                        + " (vnet.agent.max-payload-bytes)"));
                return;
            }
            reply.ok(answer == null ? EMPTY : answer, epoch);
        });
    }

    /** A stateless copy becomes the active one, with activation {@code activation}. */
    void activate(long activation, Consumer<Error> done) {
        submit(done, () -> {
            try {
                container.activate(activation);
                epoch = activation;
                done.accept(null);
            } catch (Throwable failure) {
                done.accept(Errors.containerError(failure));
            }
        });
    }

    /** A stateless copy goes back to standby: its clients are cut off and calls refused, its instance kept. */
    void standby(String reason) {
        submitQuietly(() -> {
            if (epoch == 0) {
                return;
            }
            epoch = 0;
            for (ClientLink client : clients.values()) {
                client.close(reason);
            }
            clients.clear();
            try {
                container.standby();
            } catch (Throwable failure) {
                LOG.log(Level.WARNING, "container " + context.uuid() + " failed going to standby", failure);
            }
        });
    }

    /** Connects a client; {@code done} gets null on success, else why it failed. */
    void connect(ClientLink client, Consumer<Error> done) {
        submit(done, () -> {
            Error refused = refusal();
            if (refused != null) {
                done.accept(refused);
                return;
            }
            ClientLink previous = clients.get(client.clientId());
            if (previous != null && !previous.mayBeReplacedBy(client)) {
                // Another caller's connection: it is not evicted, and the refusal is the network's for a duplicate.
                done.accept(Errors.error(Status.Code.ALREADY_EXISTS, "client " + client.clientId()
                        + " is already connected to " + context.uuid() + "; close that connection first"));
                return;
            }
            clients.put(client.clientId(), client);
            if (previous != null) {
                previous.close("replaced by a new connection of the same client");
            }
            try {
                container.connect(client.clientId(), new LimitedBroadcaster(client, maxPayloadBytes));
                done.accept(null);
            } catch (Throwable failure) {
                clients.remove(client.clientId(), client);
                done.accept(Errors.containerError(failure));
            }
        });
    }

    /** Disconnects a client if {@code client} is still its current link (a newer connection is left alone). */
    void disconnect(ClientLink client) {
        submitQuietly(() -> {
            if (clients.remove(client.clientId(), client)) {
                try {
                    container.disconnect(client.clientId());
                } catch (Throwable failure) {
                    LOG.log(Level.WARNING, "container " + context.uuid() + " failed in disconnect", failure);
                }
            }
        });
    }

    /** Disconnects every client {@code which} selects: e.g. all clients of a network stream that broke. */
    void disconnectAll(java.util.function.Predicate<ClientLink> which) {
        for (ClientLink client : clients.values()) {
            if (which.test(client)) {
                disconnect(client);
            }
        }
    }

    /** Terminates the container after the calls already queued for it; idempotent. */
    void terminate(String reason) {
        retiring = true;
        submitQuietly(() -> {
            if (terminated) {
                return;
            }
            terminated = true;
            for (ClientLink client : clients.values()) {
                client.close(reason);
            }
            clients.clear();
            try {
                container.terminate();
            } catch (Throwable failure) {
                LOG.log(Level.WARNING, "container " + context.uuid() + " failed in terminate", failure);
            }
        });
    }

    private void submit(Consumer<Error> onRejected, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            onRejected.accept(Errors.error(Status.Code.RESOURCE_EXHAUSTED,
                    "agent " + context.agentId() + " has no free worker for container " + context.uuid()
                            + ": too many calls queued; retry later or give the agent more worker threads"));
        }
    }

    private void submitQuietly(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Lifecycle work must happen even when the queue is full: run it here rather than lose it.
            task.run();
        }
    }
}
