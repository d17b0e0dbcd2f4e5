package dev.vnet.network.grpc;

import dev.vnet.network.access.ContainerGuard;
import dev.vnet.network.access.Failures;
import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.registry.RegistrySettings;
import dev.vnet.network.registry.SessionLink;
import dev.vnet.network.routing.ReplySink;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.Pong;
import dev.vnet.proto.v1.SendResponse;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionWelcome;
import dev.vnet.security.Principal;
import dev.vnet.wire.Errors;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.OutboundStream;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client's {@code Session} stream: the session itself (its references end with it) and a multiplexed channel
 * for its calls. Each call is answered by one frame with the same call id, in whatever order answers come.
 */
final class SessionStream implements SessionLink, StreamObserver<ClientFrame>, OpenStreams.Endable {

    /** Calls a client may send after 'hello' without waiting for 'welcome'. */
    private static final int MAX_EARLY_CALLS = 1024;

    private final RegistryLoop loop;
    private final RequestForwarder forwarder;
    private final Validation validation;
    private final InFlightLimit inFlight;
    private final Principal caller;
    private final RegistrySettings settings;
    private final long defaultTimeoutMs;
    private final OutboundStream<ServerFrame> out;
    private final ContainerGuard guard;
    private final SessionAccess sessions;
    private final ContainerQuota containers;
    private final InFlightLimit principalInFlight;
    private final SessionTicketIssuer tickets;
    private volatile String sessionId;
    private volatile boolean helloSeen;
    private volatile boolean ended;
    /** Calls that came between 'hello' and the session's opening; null outside that time. */
    private ArrayDeque<ClientFrame> early;

    SessionStream(RegistryLoop loop, RequestForwarder forwarder, Validation validation, InFlightLimit inFlight,
            Principal caller, RegistrySettings settings, long defaultTimeoutMs, OutboundStream<ServerFrame> out,
            ContainerGuard guard, SessionAccess sessions, ContainerQuota containers, InFlightLimit principalInFlight,
            SessionTicketIssuer tickets) {
        this.guard = guard;
        this.tickets = tickets;
        this.sessions = sessions;
        this.containers = containers;
        this.principalInFlight = principalInFlight;
        this.loop = loop;
        this.forwarder = forwarder;
        this.validation = validation;
        this.inFlight = inFlight;
        this.caller = caller;
        this.settings = settings;
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.out = out;
    }

    /** A session just opened, with the epoch of the coordinator that opened it. */
    private record Opened(String sessionId, long leaderEpoch) {}

    @Override
    public void onNext(ClientFrame frame) {
        if (frame.hasBatch()) {
            frame.getBatch().getFramesList().forEach(this::handle);
        } else {
            handle(frame);
        }
    }

    /** One frame, alone or out of a batch (a batch inside a batch is a call with nothing to do). */
    private void handle(ClientFrame frame) {
        switch (frame.getFrameCase()) {
            case PING -> ping(frame);
            case HELLO -> hello(frame);
            default -> {
                if (held(frame)) {
                    return;
                }
                if (sessionId == null) {
                    answer(frame.getCallId(), Errors.error(Status.Code.FAILED_PRECONDITION,
                            "send 'hello' before making calls"));
                    return;
                }
                call(frame);
            }
        }
    }

    private void call(ClientFrame frame) {
        switch (frame.getFrameCase()) {
            case REQUEST -> request(frame.getCallId(), frame.getRequest());
            case GET -> get(frame.getCallId(), frame);
            case RELEASE -> release(frame.getCallId(), frame.getRelease().getUuid());
            case SEND -> send(frame.getCallId(), frame.getSend());
            default -> answer(frame.getCallId(), Errors.error(Status.Code.INVALID_ARGUMENT,
                    "frame " + frame.getFrameCase() + " carries nothing to do"));
        }
    }

    /**
     * Holds a call that came after 'hello' but before the session opened, to handle it then: frames are handled in
     * the order they arrive, whether or not the client waited for 'welcome'.
     */
    private synchronized boolean held(ClientFrame frame) {
        if (early == null) {
            return false;
        }
        if (early.size() >= MAX_EARLY_CALLS) {
            answer(frame.getCallId(), Errors.error(Status.Code.RESOURCE_EXHAUSTED, "more than " + MAX_EARLY_CALLS
                    + " calls sent before 'welcome'; wait for it"));
        } else {
            early.addLast(frame);
        }
        return true;
    }

    /** Handles the calls held while the session opened, then lets new ones through; in arrival order. */
    private void handleEarlyCalls() {
        while (true) {
            ClientFrame next;
            synchronized (this) {
                next = early == null ? null : early.pollFirst();
                if (next == null) {
                    early = null;
                    return;
                }
            }
            call(next);
        }
    }

    private void hello(ClientFrame frame) {
        if (helloSeen) {
            out.fail(Status.INVALID_ARGUMENT.withDescription("'hello' was sent twice on one stream"));
            return;
        }
        helloSeen = true;
        if (frame.getHello().getAcceptsBatches()) {
            out.batchWith(FrameBatches::ofServerFrames);
        }
        String name = frame.getHello().getClientName();
        String problem = validation.clientName(name);
        if (problem != null) {
            out.fail(Failures.invalid(problem));
            return;
        }
        synchronized (this) {
            early = new ArrayDeque<>();
        }
        String owner = SessionAccess.owner(caller);
        loop.call(registry -> {
                    sessions.requireRoom(owner);
                    return new Opened(registry.openSession(name, owner, this, settings.aliveTimeoutMs()).id(),
                            registry.leaderEpoch());
                })
                .whenComplete((opened, failure) -> {
                    if (failure != null) {
                        out.fail(Failures.toStatus(failure));
                        return;
                    }
                    String id = opened.sessionId();
                    sessionId = id;
                    if (ended) {
                        loop.run(registry -> registry.closeSession(id, "the client closed its stream"));
                        return;
                    }
                    out.send(ServerFrame.newBuilder().setWelcome(SessionWelcome.newBuilder()
                            .setSessionId(id)
                            .setServerTimeMs(System.currentTimeMillis())
                            .setPingIntervalMs(settings.heartbeatIntervalMs())
                            .setAliveTimeoutMs(settings.aliveTimeoutMs())
                            .setLeaderEpoch(opened.leaderEpoch())
                            .setAcceptsBatches(true)).build());
                    handleEarlyCalls();
                });
    }

    private void ping(ClientFrame frame) {
        String id = sessionId;
        if (id != null) {
            loop.run(registry -> registry.touchSession(id));
        }
        out.sendUrgent(ServerFrame.newBuilder().setPong(Pong.newBuilder()
                .setSentAtMs(frame.getPing().getSentAtMs()).setServerTimeMs(System.currentTimeMillis())).build());
    }

    private void get(long callId, ClientFrame frame) {
        String problem = validation.get(frame.getGet());
        if (problem != null) {
            answer(callId, Errors.error(Status.Code.INVALID_ARGUMENT, problem));
            return;
        }
        if (denied(callId, ContainerPermissions.toGet(caller, frame.getGet()))) {
            return;
        }
        String id = sessionId;
        loop.compose(registry -> {
            ContainerGuard.requireReachableIfExists(registry, caller, frame.getGet().getUuid());
            containers.requireRoom(registry, caller.name(), frame.getGet().getUuid());
            return registry.get(id, frame.getGet());
        }).whenComplete((response, failure) -> {
            if (failure != null) {
                answer(callId, Failures.toError(failure));
            } else {
                containers.got(caller.name(), response);
                out.send(ServerFrame.newBuilder().setCallId(callId)
                        .setGet(tickets.withTicket(response, id, SessionAccess.owner(caller))).build());
            }
        });
    }

    private void release(long callId, String uuid) {
        String id = sessionId;
        String problem = validation.release(id, uuid);
        if (problem != null) {
            answer(callId, Errors.error(Status.Code.INVALID_ARGUMENT, problem));
            return;
        }
        if (denied(callId, ContainerPermissions.toRelease(caller))) {
            return;
        }
        loop.call(registry -> {
            ContainerGuard.requireReachable(registry, caller, uuid);
            return registry.release(id, uuid);
        }).whenComplete((left, failure) -> {
            if (failure != null) {
                answer(callId, Failures.toError(failure));
            } else {
                out.send(ServerFrame.newBuilder().setCallId(callId)
                        .setReleased(left).build());
            }
        });
    }

    private void request(long callId, ContainerRequest request) {
        if (!mayRequest(callId, request)) {
            return;
        }
        String id = sessionId;
        ReplySink sink = inFlight.releasingOnAnswer(this,
                principalInFlight.releasingOnAnswer(caller.name(), new FrameReply(callId)));
        long deadline = deadline(request);
        guard.reach(caller, request.getUuid()).whenComplete((ok, refused) -> {
            if (refused != null) {
                sink.fail(Failures.toError(refused));
            } else {
                forwarder.request(request, id == null ? "" : id, deadline, sink);
            }
        });
    }

    private void send(long callId, ContainerRequest request) {
        if (!mayRequest(callId, request)) {
            return;
        }
        String id = sessionId;
        long deadline = deadline(request);
        guard.reach(caller, request.getUuid()).thenCompose(ok -> forwarder.send(request, id, deadline))
                .whenComplete((ok, failure) -> {
                    inFlight.release(this);
                    principalInFlight.release(caller.name());
                    if (failure != null) {
                        answer(callId, Failures.toError(failure));
                    } else {
                        out.send(ServerFrame.newBuilder().setCallId(callId)
                                .setSent(SendResponse.getDefaultInstance()).build());
                    }
                });
    }

    /** Checks a request or send, and takes its in-flight slot; answers the call itself when it may not go. */
    private boolean mayRequest(long callId, ContainerRequest request) {
        String problem = validation.request(request);
        if (problem != null) {
            answer(callId, Errors.error(Status.Code.INVALID_ARGUMENT, problem));
            return false;
        }
        if (denied(callId, ContainerPermissions.toRequest(caller))) {
            return false;
        }
        if (!inFlight.tryAcquire(this)) {
            answer(callId, Errors.error(Status.Code.RESOURCE_EXHAUSTED, inFlight.refusal()));
            return false;
        }
        if (!principalInFlight.tryAcquire(caller.name())) {
            inFlight.release(this);
            answer(callId, Errors.error(Status.Code.RESOURCE_EXHAUSTED, principalInFlight.refusal()));
            return false;
        }
        return true;
    }

    private boolean denied(long callId, Status refusal) {
        if (refusal == null) {
            return false;
        }
        answer(callId, Errors.error(refusal.getCode(), refusal.getDescription()));
        return true;
    }

    private long deadline(ContainerRequest request) {
        long timeoutMs = request.getTimeoutMs() > 0 ? request.getTimeoutMs() : defaultTimeoutMs;
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    private void answer(long callId, Error error) {
        out.send(ServerFrame.newBuilder().setCallId(callId).setError(error).build());
    }

    /** Answers one routed request on this stream. */
    private final class FrameReply implements ReplySink {
        private final long callId;

        FrameReply(long callId) {
            this.callId = callId;
        }

        @Override
        public void reply(ContainerReply reply) {
            out.send(ServerFrame.newBuilder().setCallId(callId).setReply(reply).build());
        }

        @Override
        public void fail(Error error) {
            answer(callId, error);
        }
    }

    @Override
    public void onError(Throwable failure) {
        out.abandon();
        finish("the client's stream broke");
    }

    @Override
    public void onCompleted() {
        out.complete();
        finish("the client closed its stream");
    }

    @Override
    public void end(Status status, Metadata trailers) {
        out.fail(status, trailers);
        finish(status.getDescription());
    }

    private void finish(String reason) {
        ended = true;
        String id = sessionId;
        if (id != null) {
            loop.run(registry -> registry.closeSession(id, reason));
        }
    }

    // ---- SessionLink ----

    @Override
    public void notify(Event event) {
        out.send(ServerFrame.newBuilder().setEvent(event).build());
    }

    @Override
    public void close(String reason) {
        out.fail(Status.UNAVAILABLE.withDescription(reason));
    }
}
