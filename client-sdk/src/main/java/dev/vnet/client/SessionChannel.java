package dev.vnet.client;

import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Ping;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.SessionHello;
import dev.vnet.proto.v1.SessionWelcome;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import dev.vnet.wire.PendingCalls;
import dev.vnet.wire.StreamLiveness;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The client's session with the network: one long-lived {@code Session} stream carrying every get, release,
 * request and send, multiplexed by call id.
 *
 * <p>It connects in the background, trying the endpoints in turn with backoff. Calls made while it is not
 * connected wait (within their deadline) and go out once it is. When the stream breaks, calls in flight fail with
 * UNAVAILABLE (they may or may not have run), and after reconnecting it takes its references again, so containers
 * the application holds stay held across a network restart.
 */
final class SessionChannel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SessionChannel.class.getName());
    /** What may wait for the network to read: calls past it fail at once. */
    private static final QueueBudget QUEUE_BUDGET = QueueBudget.writerDecides(65_536, 64L << 20);
    /** About 25 s of retries: longer than an agent takes to find a restarted coordinator. */
    private static final int MAX_REACQUIRE_TRIES = 16;

    private final ClientChannels channels;
    private final String clientName;
    private final Duration connectTimeout;
    private final ScheduledExecutorService scheduler;
    private final Consumer<Event> sessionEvents;
    private final AtomicLong callIds = new AtomicLong();
    /** References this client holds, by uuid, with the get that took each: replayed after a reconnect. */
    private final Map<String, GetRequest> held = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private final DirectTickets tickets = new DirectTickets();

    private final Object lock = new Object();
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private volatile Attempt current;
    private volatile boolean closed;
    private volatile String lastProblem = "not connected yet";

    private record Parked(ClientFrame frame, CompletableFuture<ServerFrame> result, long deadlineNanos) {}

    SessionChannel(ClientChannels channels, String clientName, Duration connectTimeout,
            ScheduledExecutorService scheduler, Consumer<Event> sessionEvents) {
        this.channels = channels;
        this.clientName = clientName;
        this.connectTimeout = connectTimeout;
        this.scheduler = scheduler;
        this.sessionEvents = sessionEvents;
    }

    void start() {
        scheduler.execute(this::connect);
        scheduler.scheduleWithFixedDelay(this::sweep, 5, 5, TimeUnit.MILLISECONDS);
    }

    /** Why the last attempt to open a session failed, or why the last session ended. */
    String lastProblem() {
        return lastProblem;
    }

    /** Completes once the first session is established. */
    CompletableFuture<Void> connected() {
        return firstConnection;
    }

    /** The current session id, or null while not connected. */
    String sessionId() {
        Attempt attempt = current;
        return attempt != null && attempt.welcome != null ? attempt.welcome.getSessionId() : null;
    }

    /** The newest session ticket a get brought for agent {@code agentId}, or null. */
    DirectTickets.Ticket ticketFor(String agentId) {
        return tickets.forAgent(agentId);
    }

    /** Sends one call and completes with the frame that answers it, or fails (VnetException) at its deadline. */
    CompletableFuture<ServerFrame> call(ClientFrame.Builder frame, long deadlineNanos) {
        ClientFrame built = frame.setCallId(callIds.incrementAndGet()).build();
        CompletableFuture<ServerFrame> result = new CompletableFuture<>();
        Attempt attempt = current;
        if (attempt != null && attempt.welcome != null) {
            attempt.send(built, result, deadlineNanos);
            return result;
        }
        synchronized (lock) {
            attempt = current;
            if (attempt != null && attempt.welcome != null) {
                attempt.send(built, result, deadlineNanos);
            } else if (closed) {
                result.completeExceptionally(new VnetException(Status.Code.CANCELLED, "the client is closed"));
            } else {
                parked.addLast(new Parked(built, result, deadlineNanos));
            }
        }
        return result;
    }

    /** Remembers a reference so that it is taken again after a reconnect. */
    void hold(String uuid, GetRequest request) {
        held.put(uuid, request.toBuilder().setUuid(uuid).setSessionId("").build());
    }

    void forget(String uuid) {
        held.remove(uuid);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (Parked p : parked) {
                p.result.completeExceptionally(new VnetException(Status.Code.CANCELLED, "the client is closed"));
            }
            parked.clear();
        }
        Attempt attempt = current;
        if (attempt != null) {
            attempt.end(Status.CANCELLED.withDescription("the client is closed"), true);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        Endpoint endpoint = channels.endpoints().current();
        Attempt attempt = new Attempt(endpoint);
        current = attempt;
        NetworkGrpc.newStub(channels.channelForReconnect(endpoint)).session(attempt);
        attempt.out.send(ClientFrame.newBuilder().setHello(SessionHello.newBuilder().setClientName(clientName)
                .setAcceptsBatches(true)).build());
        scheduler.schedule(() -> {
            if (attempt.welcome == null) {
                attempt.end(Status.DEADLINE_EXCEEDED.withDescription("no answer from the network at " + endpoint
                        + " within " + connectTimeout.toMillis() + " ms"), true);
            }
        }, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void welcomed(Attempt attempt, SessionWelcome welcome) {
        synchronized (lock) {
            if (current != attempt || closed) {
                return;
            }
            attempt.welcome = welcome;
            if (welcome.getAcceptsBatches()) {
                attempt.out.batchWith(FrameBatches::ofClientFrames);
            }
            channels.endpoints().established(attempt.endpoint);
            for (GetRequest request : held.values()) {
                reacquire(attempt, request, 0);
            }
            Parked p;
            while ((p = parked.pollFirst()) != null) {
                attempt.send(p.frame, p.result, p.deadlineNanos);
            }
        }
        // Outside the lock: watches and connections that follow the session run their own callbacks.
        channels.sessionOpened(attempt.endpoint, welcome.getPingIntervalMs(), welcome.getAliveTimeoutMs());
        attempt.watchLiveness(Duration.ofMillis(Math.max(100, welcome.getPingIntervalMs())),
                Duration.ofMillis(welcome.getAliveTimeoutMs()));
        LOG.log(Level.DEBUG, () -> "session " + welcome.getSessionId() + " open with the network at "
                + attempt.endpoint + (held.isEmpty() ? "" : ", taking " + held.size() + " references again"));
        firstConnection.complete(null);
    }

    /**
     * Takes a reference again after a reconnect. A coordinator that just restarted may not know the container's
     * agent yet (it re-registers on its own schedule), so failures that can pass are retried for a while.
     */
    private void reacquire(Attempt attempt, GetRequest request, int tries) {
        CompletableFuture<ServerFrame> result = new CompletableFuture<>();
        ClientFrame frame = ClientFrame.newBuilder().setCallId(callIds.incrementAndGet()).setGet(request).build();
        attempt.send(frame, result, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        result.whenComplete((answer, failure) -> {
            if (failure == null && !answer.hasError()) {
                return;
            }
            VnetException why = failure != null ? VnetException.from(failure) : toException(answer);
            boolean mayPass = why.code() == Status.Code.UNAVAILABLE || why.code() == Status.Code.NOT_FOUND
                    || why.code() == Status.Code.DEADLINE_EXCEEDED || why.code() == Status.Code.RESOURCE_EXHAUSTED;
            if (mayPass && tries < MAX_REACQUIRE_TRIES && current == attempt && held.containsKey(request.getUuid())) {
                scheduler.schedule(() -> reacquire(attempt, request, tries + 1), Math.min(2000, 100L << tries),
                        TimeUnit.MILLISECONDS);
            } else if (current == attempt) {
                held.remove(request.getUuid());
                LOG.log(Level.WARNING, "could not take container " + request.getUuid() + " again after reconnecting"
                        + " (" + (tries + 1) + " tries): " + why.getMessage());
            }
        });
    }

    private void ended(Attempt attempt, Status status, Throwable failure) {
        if (current != attempt) {
            return;
        }
        current = null;
        lastProblem = ConnectionProblems.describe(status, channels.security().usesTls(), attempt.welcome != null);
        if (closed) {
            return;
        }
        if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.PERMISSION_DENIED) {
            // Retrying will not fix a token: whoever waits is told now (retries go on, for a token rotated server-side).
            failWaiting(new VnetException(status.getCode(), status.getDescription()));
        }
        long delay = channels.endpoints().failed(attempt.endpoint, failure, attempt.welcome != null);
        LOG.log(attempt.welcome != null ? Level.WARNING : Level.DEBUG, () -> "session with the network at "
                + attempt.endpoint + " ended (" + lastProblem + "); reconnecting to " + channels.endpoints().current()
                + " in " + delay + " ms");
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** A call that {@code closed}'s stream could not send: it waits for the next session (or its deadline). */
    private void parkUnsent(Attempt closed, ClientFrame frame, CompletableFuture<ServerFrame> result,
            long deadlineNanos) {
        synchronized (lock) {
            Attempt now = current;
            if (now != null && now != closed && now.welcome != null) {
                now.send(frame, result, deadlineNanos);
            } else if (this.closed) {
                result.completeExceptionally(new VnetException(Status.Code.CANCELLED, "the client is closed"));
            } else {
                parked.addLast(new Parked(frame, result, deadlineNanos));
            }
        }
    }

    private void failWaiting(VnetException refused) {
        firstConnection.completeExceptionally(refused);
        synchronized (lock) {
            for (Parked p : parked) {
                p.result.completeExceptionally(refused);
            }
            parked.clear();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        Attempt attempt = current;
        if (attempt != null) {
            attempt.pending.expire(now, result -> result.completeExceptionally(
                    new VnetException(Status.Code.DEADLINE_EXCEEDED, "no answer within the call's deadline")));
        }
        synchronized (lock) {
            for (Iterator<Parked> it = parked.iterator(); it.hasNext(); ) {
                Parked p = it.next();
                if (p.deadlineNanos - now <= 0) {
                    it.remove();
                    p.result.completeExceptionally(new VnetException(Status.Code.UNAVAILABLE,
                            "not connected to the network before the call's deadline (" + lastProblem + ")"));
                }
            }
        }
    }

    /** One stream to one endpoint, from hello until it breaks; its calls in flight live and die with it. */
    private final class Attempt implements ClientResponseObserver<ClientFrame, ServerFrame> {

        final Endpoint endpoint;
        final PendingCalls<CompletableFuture<ServerFrame>> pending = new PendingCalls<>();
        volatile OutboundStream<ClientFrame> out;
        volatile SessionWelcome welcome;
        volatile boolean ended;
        volatile StreamLiveness liveness;
        private ClientCallStreamObserver<ClientFrame> call;

        Attempt(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ClientFrame> call) {
            this.call = call;
            out = new OutboundStream<>(call, QUEUE_BUDGET);
            if (ended) {
                // Ended (the client closed) while its stream was being started: end found no stream to cancel.
                out.abandon();
                call.cancel("the session ended before its stream started", null);
            }
        }

        void send(ClientFrame frame, CompletableFuture<ServerFrame> result, long deadlineNanos) {
            pending.put(frame.getCallId(), result, deadlineNanos);
            if (!out.send(frame)) {
                if (pending.take(frame.getCallId()) != null) {
                    if (!out.isOpen()) {
                        // The stream closed under us (its coordinator died) and the frame never left: it goes
                        // out on the next session, within its deadline, instead of failing as if the network
                        // were overloaded.
                        parkUnsent(this, frame, result, deadlineNanos);
                    } else {
                        result.completeExceptionally(new VnetException(Status.Code.RESOURCE_EXHAUSTED,
                                "too many calls waiting to be sent to the network; slow down"));
                    }
                }
            } else if (ended && pending.take(frame.getCallId()) != null) {
                // The stream broke while we sent: nobody else will fail this call.
                result.completeExceptionally(lostConnection());
            }
        }

        /** Pings every {@code interval} from now on; a network silent past {@code aliveTimeout} ends the attempt. */
        void watchLiveness(Duration interval, Duration aliveTimeout) {
            liveness = StreamLiveness.start(scheduler, interval, aliveTimeout,
                    () -> out.sendUrgent(ClientFrame.newBuilder()
                            .setPing(Ping.newBuilder().setSentAtMs(System.currentTimeMillis())).build()),
                    silentMs -> end(Status.DEADLINE_EXCEEDED.withDescription("the network at " + endpoint
                            + " was silent for " + silentMs + " ms"), true));
            if (ended) {
                liveness.stop();
            }
        }

        @Override
        public void onNext(ServerFrame frame) {
            StreamLiveness heartbeat = liveness;
            if (heartbeat != null) {
                heartbeat.heard();
            }
            if (frame.hasBatch()) {
                frame.getBatch().getFramesList().forEach(this::handle);
            } else {
                handle(frame);
            }
        }

        /** One frame, alone or out of a batch (a batch inside a batch answers no call and is ignored). */
        private void handle(ServerFrame frame) {
            switch (frame.getFrameCase()) {
                case WELCOME -> welcomed(this, frame.getWelcome());
                case PONG -> { }
                case EVENT -> event(frame.getEvent());
                default -> {
                    if (frame.hasGet()) {
                        // Before the caller sees the answer: its next direct call may need the ticket.
                        tickets.got(welcome.getSessionId(), frame.getGet());
                    }
                    CompletableFuture<ServerFrame> result = pending.take(frame.getCallId());
                    if (result != null) {
                        result.complete(frame);
                    }
                }
            }
        }

        private void event(Event event) {
            if (event.getKind() == EventKind.EVENT_KIND_CONTAINER_REMOVED && event.hasContainer()) {
                held.remove(event.getContainer().getUuid());
            }
            sessionEvents.accept(event);
        }

        @Override
        public void onError(Throwable failure) {
            end(Status.fromThrowable(failure), false, failure);
        }

        @Override
        public void onCompleted() {
            Status status = Status.UNAVAILABLE.withDescription("the network ended the session");
            end(status, false, status.asRuntimeException());
        }

        void end(Status status, boolean cancelStream) {
            end(status, cancelStream, status.asRuntimeException());
        }

        /** Ends this attempt: fails its calls in flight and, unless the client is closing, reconnects. */
        void end(Status status, boolean cancelStream, Throwable failure) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            StreamLiveness heartbeat = liveness;
            if (heartbeat != null) {
                heartbeat.stop();
            }
            OutboundStream<ClientFrame> stream = out;
            if (stream != null) {
                // Otherwise the stream has not started yet, and beforeStart cancels it when it sees the end.
                stream.abandon();
                if (cancelStream) {
                    call.cancel(status.getDescription(), null);
                }
            }
            VnetException lost = lostConnection(status);
            pending.drain(result -> result.completeExceptionally(lost));
            ended(this, status, failure);
        }

        private VnetException lostConnection() {
            return lostConnection(Status.UNAVAILABLE.withDescription("stream ended"));
        }

        private VnetException lostConnection(Status status) {
            return new VnetException(Status.Code.UNAVAILABLE, "connection to the network at " + endpoint
                    + " was lost before the answer came (" + status.getCode() + " " + status.getDescription()
                    + "); the call may or may not have run");
        }
    }

    /** Exposed for the channel-level helpers (listings, watches) that should use the session's endpoint. */
    ManagedChannel channel() {
        return channels.channel(channels.endpoints().current());
    }

    static VnetException toException(ServerFrame frame) {
        return VnetException.from(frame.getError());
    }
}
