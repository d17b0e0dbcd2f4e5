package dev.vnet.runtime;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.ConnectClosed;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ConnectReady;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.Authorization;
import dev.vnet.security.Principal;
import dev.vnet.wire.ConnectFrames;
import dev.vnet.wire.Deadlines;
import dev.vnet.wire.Errors;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.MessageBounds;
import dev.vnet.wire.Names;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import dev.vnet.wire.StreamLiveness;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent's own gRPC API ({@code vnet.v1.Agent}): requests and connections to its containers without the
 * network in between. Handlers run on transport threads and only hand work to the containers' executors. A call
 * that names a session is attributed to it only with that session's ticket ({@link SessionTicketCheck}).
 */
final class DirectService extends AgentGrpc.AgentImplBase {

    private static final long DEFAULT_TIMEOUT_MS = 30_000;
    /** How long a client that asked for pings on {@code Connect} may stay silent, at least. */
    private static final Duration CLIENT_ALIVE_TIMEOUT = Duration.ofSeconds(3);

    private final ContainerHost host;
    private final String agentId;
    private final Supplier<String> endpoint;
    private final CallTracing tracing;
    private final QueueBudget budget;
    private final int maxPayloadBytes;
    private final SessionTicketCheck tickets;
    private final ScheduledExecutorService timers;

    DirectService(ContainerHost host, String agentId, Supplier<String> endpoint, CallTracing tracing,
            QueueBudget budget, int maxPayloadBytes, SessionTicketCheck tickets, ScheduledExecutorService timers) {
        this.timers = timers;
        this.budget = budget;
        this.tickets = tickets;
        this.maxPayloadBytes = maxPayloadBytes;
        this.host = host;
        this.agentId = agentId;
        this.endpoint = endpoint;
        this.tracing = tracing;
    }

    @Override
    public void request(ContainerRequest request, StreamObserver<ContainerReply> responses) {
        String problem = problemWith(request);
        if (problem != null) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        Error refused = refusal(AuthInterceptor.caller(), request.getUuid(), request.getSessionId(),
                request.getSessionTicket());
        if (refused != null) {
            responses.onError(Errors.toStatusException(refused));
            return;
        }
        long deadline = Deadlines.fromCall(request.getTimeoutMs(), DEFAULT_TIMEOUT_MS);
        Call direct = toCall(request, false);
        host.call(request.getUuid(), 0, direct, deadline, new ReplyTo() {
            @Override
            public void ok(Payload payload, long epoch) {
                responses.onNext(reply(payload, epoch));
                responses.onCompleted();
            }

            @Override
            public void fail(Error error) {
                responses.onError(Errors.toStatusException(error));
            }
        }, tracing.start(direct, request.getTraceContextMap(), "direct"));
    }

    @Override
    public StreamObserver<DirectCall> calls(StreamObserver<DirectResult> responses) {
        OutboundStream<DirectResult> out =
                new OutboundStream<>((CallStreamObserver<DirectResult>) responses, budget);
        DirectResults results = new DirectResults(out);
        Principal caller = AuthInterceptor.caller();
        return new StreamObserver<>() {
            @Override
            public void onNext(DirectCall call) {
                if (call.getBatchCount() == 0) {
                    handle(call);
                    return;
                }
                for (DirectCall inner : call.getBatchList()) {
                    if (inner.getBatchCount() == 0) {
                        handle(inner);
                    } else if (!inner.getOneWay()) {
                        results.send(failure(inner.getCallId(), Errors.error(Status.Code.INVALID_ARGUMENT,
                                "a batch of calls may not hold another batch")));
                    }
                }
            }

            /** One call, alone or out of a batch. */
            private void handle(DirectCall call) {
                if (call.getAcceptsBatches() && !out.batches()) {
                    out.batchWith(FrameBatches::ofDirectResults);
                }
                ContainerRequest request = call.getRequest();
                String problem = problemWith(request);
                Error refused = problem != null ? Errors.error(Status.Code.INVALID_ARGUMENT, problem)
                        : refusal(caller, request.getUuid(), request.getSessionId(), request.getSessionTicket());
                if (refused != null) {
                    if (!call.getOneWay()) {
                        results.send(failure(call.getCallId(), refused));
                    }
                    return;
                }
                long deadline = Deadlines.fromCall(request.getTimeoutMs(), DEFAULT_TIMEOUT_MS);
                ReplyTo answer = call.getOneWay() ? ReplyTo.NONE : new ReplyTo() {
                    @Override
                    public void ok(Payload payload, long epoch) {
                        results.send(DirectResult.newBuilder().setCallId(call.getCallId())
                                .setReply(reply(payload, epoch)).build());
                    }

                    @Override
                    public void fail(Error error) {
                        results.send(failure(call.getCallId(), error));
                    }
                };
                Call direct = toCall(request, call.getOneWay());
                host.call(request.getUuid(), 0, direct, deadline, answer,
                        tracing.start(direct, request.getTraceContextMap(), "direct"));
            }

            @Override
            public void onError(Throwable t) {
                out.abandon();
            }

            @Override
            public void onCompleted() {
                out.complete();
            }
        };
    }

    @Override
    public StreamObserver<ConnectFrame> connect(StreamObserver<ConnectEvent> responses) {
        OutboundStream<ConnectEvent> out =
                new OutboundStream<>((CallStreamObserver<ConnectEvent>) responses, budget);
        return new StreamObserver<>() {
            private final Principal caller = AuthInterceptor.caller();
            private DirectClient client;
            private ConnectOpen opened;
            private StreamLiveness pings;
            private String uuid;

            @Override
            public void onNext(ConnectFrame frame) {
                String problem = ConnectFrames.problem(frame, opened);
                if (problem != null) {
                    out.fail(Status.INVALID_ARGUMENT.withDescription(problem));
                    return;
                }
                if (frame.hasPing()) {
                    pings.heard();
                    return;
                }
                ConnectOpen open = frame.getOpen();
                Error refused = refusal(caller, open.getUuid(), open.getSessionId(), open.getSessionTicket());
                if (refused != null) {
                    out.fail(Errors.toStatusException(refused).getStatus());
                    return;
                }
                opened = open;
                uuid = open.getUuid();
                String clientId = ConnectFrames.clientId(opened, "direct");
                pings = ConnectFrames.serverPings(opened, timers, CLIENT_ALIVE_TIMEOUT, out, this::disconnect);
                DirectClient connecting = new DirectClient(clientId, caller.name(), out);
                client = connecting;
                host.connect(uuid, 0, connecting, error -> {
                    if (error != null) {
                        out.fail(Errors.toStatusException(error).getStatus());
                        return;
                    }
                    HostedContainer hosted = host.find(uuid);
                    ContainerInfo.Builder info = ContainerInfo.newBuilder().setUuid(uuid).setAgentId(agentId)
                            .setEndpoint(endpoint.get());
                    if (hosted != null) {
                        ContainerContext c = hosted.context();
                        info.setKind(c.kind()).setType(c.type()).addAllLabels(c.labels()).setEpoch(c.epoch());
                    }
                    connecting.ready(ConnectEvent.newBuilder().setReady(ConnectReady.newBuilder()
                            .setClientId(clientId).setContainer(info)).build());
                });
            }

            @Override
            public void onError(Throwable t) {
                disconnect();
                out.abandon();
            }

            @Override
            public void onCompleted() {
                disconnect();
                out.complete();
            }

            private void disconnect() {
                if (client != null) {
                    host.disconnect(uuid, client);
                }
            }
        };
    }

    /**
     * Null when {@code caller} may call or connect to container {@code uuid} as session {@code sessionId} (or as
     * nobody when it is empty); else why not: a session it does not prove is its own, or a container out of its scope.
     */
    private Error refusal(Principal caller, String uuid, String sessionId, ByteString ticket) {
        Error unproven = tickets.refusal(caller, sessionId, ticket);
        return unproven != null ? unproven : outOfScope(caller, uuid);
    }

    /**
     * Null when {@code caller} may reach container {@code uuid} here ({@link Authorization} decides); else what a
     * container that does not run here gets, so that nothing about containers outside its scope leaks.
     */
    private Error outOfScope(Principal caller, String uuid) {
        if (!Authorization.isScoped(caller)) {
            return null;
        }
        HostedContainer hosted = host.find(uuid);
        if (hosted != null && Authorization.reaches(caller, hosted.context().kind(), hosted.context().labels())) {
            return null;
        }
        return Errors.error(Status.Code.NOT_FOUND, "container " + uuid + " does not run on agent " + agentId
                + "; ask the network where it is");
    }

    private String problemWith(ContainerRequest request) {
        return MessageBounds.request(Names.DEFAULT, request, maxPayloadBytes, "vnet.agent.max-payload-bytes");
    }

    private static Call toCall(ContainerRequest request, boolean oneWay) {
        return new Call(request.getUuid(), request.getOperation(), request.getPayload(), request.getSessionId(),
                oneWay);
    }

    private ContainerReply reply(Payload payload, long epoch) {
        return ContainerReply.newBuilder().setPayload(payload).setAgentId(agentId).setEpoch(epoch).build();
    }

    private static DirectResult failure(long callId, Error error) {
        return DirectResult.newBuilder().setCallId(callId).setError(error).build();
    }

    /** The results of one {@code Calls} stream; the first one says that this agent takes batches of calls. */
    private static final class DirectResults {
        private final OutboundStream<DirectResult> out;
        private final AtomicBoolean announced = new AtomicBoolean();

        DirectResults(OutboundStream<DirectResult> out) {
            this.out = out;
        }

        void send(DirectResult result) {
            boolean first = !announced.get() && announced.compareAndSet(false, true);
            out.send(first ? result.toBuilder().setAcceptsBatches(true).build() : result);
        }
    }

    /**
     * A client connected straight to this agent: broadcasts go out on its {@code Connect} stream. Those the container
     * sends while accepting the client (a welcome, say) are held until {@code ready} has gone out: ready comes first.
     */
    private static final class DirectClient extends ClientLink {
        private final OutboundStream<ConnectEvent> out;
        /** Broadcasts waiting for ready; null once it went out. */
        private List<Payload> held = new ArrayList<>();

        DirectClient(String clientId, String caller, OutboundStream<ConnectEvent> out) {
            super(clientId, caller);
            this.out = out;
        }

        synchronized void ready(ConnectEvent ready) {
            out.send(ready);
            for (Payload payload : held) {
                out.send(ConnectEvent.newBuilder().setBroadcast(payload).build());
            }
            held = null;
        }

        @Override
        public synchronized boolean send(Payload payload) {
            if (held != null) {
                held.add(payload);
                return out.isOpen();
            }
            return out.send(ConnectEvent.newBuilder().setBroadcast(payload).build());
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        void close(String reason) {
            out.send(ConnectEvent.newBuilder().setClosed(ConnectClosed.newBuilder().setReason(reason)).build());
            out.complete();
        }
    }
}
