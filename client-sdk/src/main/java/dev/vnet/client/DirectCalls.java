package dev.vnet.client;

import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import dev.vnet.wire.PendingCalls;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct calls to agents: one long-lived {@code Agent.Calls} stream per agent endpoint, opened on first use and
 * again after it breaks, carrying calls multiplexed by id.
 */
final class DirectCalls implements AutoCloseable {

    /** What may wait for the network to read: calls past it fail at once. */
    private static final QueueBudget QUEUE_BUDGET = QueueBudget.writerDecides(65_536, 64L << 20);
    private static final CompletableFuture<ContainerReply> SENT = CompletableFuture.completedFuture(null);

    private final ClientChannels channels;
    private final Map<Endpoint, DirectStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();

    DirectCalls(ClientChannels channels) {
        this.channels = channels;
    }

    /** Calls a container on the agent at {@code endpoint}; a one-way call completes with null once written. */
    CompletableFuture<ContainerReply> call(Endpoint endpoint, ContainerRequest request, boolean oneWay,
            long deadlineNanos) {
        DirectStream stream = streams.compute(endpoint, (e, s) -> s == null || s.ended ? open(e) : s);
        long id = callIds.incrementAndGet();
        DirectCall call = DirectCall.newBuilder().setCallId(id).setRequest(request).setOneWay(oneWay)
                .setAcceptsBatches(stream.announcesBatches()).build();
        if (oneWay) {
            return stream.out.send(call) ? SENT : CompletableFuture.failedFuture(
                    new VnetException(Status.Code.RESOURCE_EXHAUSTED, "too many calls waiting for agent " + endpoint));
        }
        CompletableFuture<ContainerReply> result = new CompletableFuture<>();
        stream.pending.put(id, result, deadlineNanos);
        if (!stream.out.send(call) || stream.ended) {
            CompletableFuture<ContainerReply> mine = stream.pending.take(id);
            if (mine != null) {
                mine.completeExceptionally(new VnetException(Status.Code.UNAVAILABLE,
                        "cannot send to agent " + endpoint + ": its stream is closed or full"));
            }
        }
        return result;
    }

    /** Fails the calls whose deadline passed; run periodically by the client's sweeper. */
    void sweep(long nowNanos) {
        for (DirectStream stream : streams.values()) {
            stream.pending.expire(nowNanos, result -> result.completeExceptionally(
                    new VnetException(Status.Code.DEADLINE_EXCEEDED, "no answer from agent " + stream.endpoint
                            + " within the call's deadline")));
        }
    }

    private DirectStream open(Endpoint endpoint) {
        DirectStream stream = new DirectStream(endpoint);
        AgentGrpc.newStub(channels.channel(endpoint)).calls(stream);
        return stream;
    }

    @Override
    public void close() {
        for (DirectStream stream : streams.values()) {
            stream.out.complete();
        }
    }

    private static final class DirectStream implements ClientResponseObserver<DirectCall, DirectResult> {
        final Endpoint endpoint;
        final PendingCalls<CompletableFuture<ContainerReply>> pending = new PendingCalls<>();
        volatile OutboundStream<DirectCall> out;
        volatile boolean ended;
        private final AtomicBoolean announced = new AtomicBoolean();

        DirectStream(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<DirectCall> call) {
            out = new OutboundStream<>(call, QUEUE_BUDGET);
        }

        /** True for the stream's first call, which tells the agent that batches of results are understood. */
        boolean announcesBatches() {
            return !announced.getAndSet(true);
        }

        @Override
        public void onNext(DirectResult result) {
            if (result.hasBatch()) {
                result.getBatch().getResultsList().forEach(this::answer);
            } else {
                answer(result);
            }
        }

        /** Completes the call a result answers (a batch inside a batch answers none and is ignored). */
        private void answer(DirectResult result) {
            if (result.getAcceptsBatches() && !out.batches()) {
                out.batchWith(FrameBatches::ofDirectCalls);
            }
            CompletableFuture<ContainerReply> call = pending.take(result.getCallId());
            if (call == null) {
                return;
            }
            if (result.hasError()) {
                call.completeExceptionally(VnetException.from(result.getError()));
            } else {
                call.complete(result.getReply());
            }
        }

        @Override
        public void onError(Throwable failure) {
            end(Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            end(Status.UNAVAILABLE.withDescription("the agent ended the stream"));
        }

        private void end(Status status) {
            ended = true;
            out.abandon();
            boolean refused = status.getCode() == Status.Code.UNAUTHENTICATED
                    || status.getCode() == Status.Code.PERMISSION_DENIED;
            VnetException lost = refused
                    ? new VnetException(status.getCode(), "agent " + endpoint + ": " + status.getDescription())
                    : new VnetException(Status.Code.UNAVAILABLE, "connection to agent " + endpoint
                            + " was lost before the answer came (" + status.getCode() + " " + status.getDescription()
                            + ")");
            pending.drain(result -> result.completeExceptionally(lost));
        }
    }
}
