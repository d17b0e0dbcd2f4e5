package dev.vnet.client;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ConnectClosed;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.ConnectReady;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.ListContainersResponse;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Ping;
import dev.vnet.proto.v1.Pong;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.ServerFrameBatch;
import dev.vnet.proto.v1.SessionWelcome;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.wire.Endpoint;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A scripted stand-in for a coordinator and an agent, served in-process under the name of one endpoint: the
 * contract's services implemented from their generated bases. It records every stream and call the client opens,
 * in order, and answers only what the test tells it to, with one exception that keeps it as quiet as a healthy
 * network: a session answers pings with pongs until the test makes it fall silent.
 *
 * <p>Clients reach it through {@link #channel}, their connector: the channel to endpoint {@code host:port} is the
 * in-process one named {@code host:port}, so several servers can play a network's replicas and its agents.
 */
final class ScriptedServer implements AutoCloseable {

    /** How long a test waits for what must happen: a failure bound, never a figure. */
    static final long WAIT_SECONDS = 10;

    final Endpoint endpoint;
    private final Server server;
    private final BlockingQueue<SessionCall> sessions = new LinkedBlockingQueue<>();
    private final BlockingQueue<WatchCall> watches = new LinkedBlockingQueue<>();
    private final BlockingQueue<ConnectCall> connects = new LinkedBlockingQueue<>();
    private final BlockingQueue<AgentCalls> directCalls = new LinkedBlockingQueue<>();
    private final BlockingQueue<Unary<ListContainersRequest, ListContainersResponse>> listings =
            new LinkedBlockingQueue<>();

    ScriptedServer(String endpoint) {
        this.endpoint = Endpoint.parse(endpoint);
        try {
            server = InProcessServerBuilder.forName(this.endpoint.toString())
                    .addService(new NetworkGrpc.NetworkImplBase() {
                        @Override
                        public StreamObserver<ClientFrame> session(StreamObserver<ServerFrame> out) {
                            SessionCall call = new SessionCall((ServerCallStreamObserver<ServerFrame>) out);
                            sessions.add(call);
                            return call;
                        }

                        @Override
                        public void watchEvents(WatchEventsRequest request, StreamObserver<Event> out) {
                            watches.add(new WatchCall(request, (ServerCallStreamObserver<Event>) out));
                        }

                        @Override
                        public StreamObserver<ConnectFrame> connect(StreamObserver<ConnectEvent> out) {
                            ConnectCall call = new ConnectCall("network", (ServerCallStreamObserver<ConnectEvent>) out);
                            connects.add(call);
                            return call;
                        }

                        @Override
                        public void listContainers(ListContainersRequest request,
                                StreamObserver<ListContainersResponse> out) {
                            listings.add(new Unary<>(request, out));
                        }
                    })
                    .addService(new AgentGrpc.AgentImplBase() {
                        @Override
                        public StreamObserver<DirectCall> calls(StreamObserver<DirectResult> out) {
                            AgentCalls call = new AgentCalls((ServerCallStreamObserver<DirectResult>) out);
                            directCalls.add(call);
                            return call;
                        }

                        @Override
                        public StreamObserver<ConnectFrame> connect(StreamObserver<ConnectEvent> out) {
                            ConnectCall call = new ConnectCall("agent", (ServerCallStreamObserver<ConnectEvent>) out);
                            connects.add(call);
                            return call;
                        }
                    })
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The client's connector: a channel to the scripted server named after {@code endpoint}. Its callbacks run on
     * gRPC's executor, as the client's run on Netty's threads in production: never in the test's thread.
     */
    static ManagedChannel channel(Endpoint endpoint) {
        return InProcessChannelBuilder.forName(endpoint.toString()).build();
    }

    /** The next {@code Session} stream a client opened here. */
    SessionCall nextSession() {
        return next(sessions, "session stream at " + endpoint);
    }

    /** The next session, its hello read and welcomed with the network's default ping interval and alive timeout. */
    SessionCall openSession(String sessionId) {
        SessionCall session = nextSession();
        session.hello();
        return session.welcome(sessionId, 1000, 3000);
    }

    WatchCall nextWatch() {
        return next(watches, "WatchEvents call at " + endpoint);
    }

    ConnectCall nextConnect() {
        return next(connects, "Connect stream at " + endpoint);
    }

    AgentCalls nextDirectCalls() {
        return next(directCalls, "Agent.Calls stream at " + endpoint);
    }

    Unary<ListContainersRequest, ListContainersResponse> nextListing() {
        return next(listings, "ListContainers call at " + endpoint);
    }

    /** Whether the client opened no other session here within {@code within}: for what must not happen. */
    boolean noSessionWithin(Duration within) {
        return poll(sessions, within) == null;
    }

    boolean noWatchWithin(Duration within) {
        return poll(watches, within) == null;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    static <T> T next(BlockingQueue<T> queue, String what) {
        T next = poll(queue, Duration.ofSeconds(WAIT_SECONDS));
        if (next == null) {
            throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s");
        }
        return next;
    }

    private static <T> T poll(BlockingQueue<T> queue, Duration within) {
        try {
            return queue.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until {@code condition} holds; fails the test when it does not within the bound. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not happen within " + WAIT_SECONDS + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** A container the network says runs on agent {@code agentId} at {@code agentEndpoint} (a scripted server may serve it). */
    static ContainerInfo container(String uuid, String kind, String agentId, String agentEndpoint) {
        return ContainerInfo.newBuilder().setUuid(uuid).setKind(kind).setAgentId(agentId).setEndpoint(agentEndpoint)
                .build();
    }

    static Error error(Status.Code code, String message, boolean fromContainer) {
        return Error.newBuilder().setCode(code.value()).setMessage(message).setFromContainer(fromContainer).build();
    }

    /** How the client ended a stream: OK when it completed it, else the status it cancelled it with. */
    private static final class Ending {
        final CompletableFuture<Status> status = new CompletableFuture<>();

        Status await() {
            try {
                return status.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the client did not end the stream within " + WAIT_SECONDS + " s");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** One client's {@code Session} stream, seen from the network. */
    static final class SessionCall implements StreamObserver<ClientFrame> {
        private final ServerCallStreamObserver<ServerFrame> out;
        private final BlockingQueue<ClientFrame> frames = new LinkedBlockingQueue<>();
        private final Ending ending = new Ending();
        /** Pings the client sent. */
        final AtomicInteger pings = new AtomicInteger();
        private volatile boolean silent;

        SessionCall(ServerCallStreamObserver<ServerFrame> out) {
            this.out = out;
        }

        @Override
        public void onNext(ClientFrame frame) {
            if (!frame.hasPing()) {
                frames.add(frame);
                return;
            }
            pings.incrementAndGet();
            if (!silent) {
                send(ServerFrame.newBuilder().setPong(Pong.newBuilder().setSentAtMs(frame.getPing().getSentAtMs())));
            }
        }

        @Override
        public void onError(Throwable failure) {
            ending.status.complete(Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            ending.status.complete(Status.OK);
        }

        /** The next frame the client sent other than a ping. */
        ClientFrame next() {
            return ScriptedServer.next(frames, "frame from the client");
        }

        /** The next frame, which must be a get; the get itself is in {@code getGet()}. */
        ClientFrame nextGet() {
            ClientFrame frame = next();
            if (!frame.hasGet()) {
                throw new AssertionError("expected a get, the client sent " + frame);
            }
            return frame;
        }

        ClientFrame hello() {
            ClientFrame frame = next();
            if (!frame.hasHello()) {
                throw new AssertionError("a session must open with hello, not " + frame);
            }
            return frame;
        }

        SessionCall welcome(String sessionId, long pingIntervalMs, long aliveTimeoutMs) {
            return welcome(sessionId, pingIntervalMs, aliveTimeoutMs, false);
        }

        /** Welcomes the session; {@code acceptsBatches} as a network that understands batches says it. */
        SessionCall welcome(String sessionId, long pingIntervalMs, long aliveTimeoutMs, boolean acceptsBatches) {
            send(ServerFrame.newBuilder().setWelcome(SessionWelcome.newBuilder().setSessionId(sessionId)
                    .setPingIntervalMs(pingIntervalMs).setAliveTimeoutMs(aliveTimeoutMs)
                    .setAcceptsBatches(acceptsBatches)));
            return this;
        }

        /** Answers several calls in one batch frame. */
        void answerInOneBatch(List<ServerFrame> answers) {
            send(ServerFrame.newBuilder().setBatch(ServerFrameBatch.newBuilder().addAllFrames(answers)));
        }

        /** Answers the get {@code call} with {@code container} and the session ticket for its agent. */
        void answerGet(ClientFrame call, ContainerInfo container, boolean created, String ticket) {
            send(ServerFrame.newBuilder().setCallId(call.getCallId()).setGet(GetResponse.newBuilder()
                    .setContainer(container).setCreated(created).setSessionTicket(ByteString.copyFromUtf8(ticket))));
        }

        void answer(ClientFrame call, ServerFrame.Builder answer) {
            send(answer.setCallId(call.getCallId()));
        }

        void fail(ClientFrame call, Status.Code code, String message, boolean fromContainer) {
            send(ServerFrame.newBuilder().setCallId(call.getCallId()).setError(error(code, message, fromContainer)));
        }

        void event(Event event) {
            send(ServerFrame.newBuilder().setEvent(event));
        }

        /** From now on nothing comes from the network, not even pongs: a frozen coordinator. */
        void goSilent() {
            silent = true;
        }

        /** The network ends the stream with {@code status} and these trailers. */
        void end(Status status, Metadata trailers) {
            synchronized (this) {
                out.onError(status.asRuntimeException(trailers));
            }
        }

        void end(Status status) {
            end(status, new Metadata());
        }

        /** How the client ended the stream. */
        Status endedByClient() {
            return ending.await();
        }

        private synchronized void send(ServerFrame.Builder frame) {
            out.onNext(frame.build());
        }
    }

    /** One {@code WatchEvents} call. */
    static final class WatchCall {
        final WatchEventsRequest request;
        private final ServerCallStreamObserver<Event> out;
        private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

        WatchCall(WatchEventsRequest request, ServerCallStreamObserver<Event> out) {
            this.request = request;
            this.out = out;
            out.setOnCancelHandler(() -> cancelled.complete(null));
        }

        synchronized void send(Event event) {
            out.onNext(event);
        }

        void ping() {
            send(Event.newBuilder().setKind(EventKind.EVENT_KIND_PING).build());
        }

        synchronized void end(Status status) {
            out.onError(status.asRuntimeException());
        }

        boolean isCancelled() {
            return cancelled.isDone();
        }

        /** Waits until the client cancelled the call. */
        void awaitCancelled() {
            await("the client's cancelling the watch", this::isCancelled);
        }
    }

    /** One {@code Connect} stream, to the network or to an agent. */
    static final class ConnectCall implements StreamObserver<ConnectFrame> {
        /** "network" or "agent": which service it reached. */
        final String service;
        private final ServerCallStreamObserver<ConnectEvent> out;
        private final BlockingQueue<ConnectFrame> frames = new LinkedBlockingQueue<>();
        private final Ending ending = new Ending();
        final AtomicInteger pings = new AtomicInteger();

        ConnectCall(String service, ServerCallStreamObserver<ConnectEvent> out) {
            this.service = service;
            this.out = out;
        }

        @Override
        public void onNext(ConnectFrame frame) {
            if (frame.hasPing()) {
                pings.incrementAndGet();
            } else {
                frames.add(frame);
            }
        }

        @Override
        public void onError(Throwable failure) {
            ending.status.complete(Status.fromThrowable(failure));
        }

        /** The client disconnected: the server ends the stream, as the network and agents do. */
        @Override
        public synchronized void onCompleted() {
            ending.status.complete(Status.OK);
            out.onCompleted();
        }

        ConnectOpen open() {
            ConnectFrame first = ScriptedServer.next(frames, "frame on the Connect stream");
            if (!first.hasOpen()) {
                throw new AssertionError("a connect stream must begin with open, not " + first);
            }
            return first.getOpen();
        }

        void ready(String clientId) {
            send(ConnectEvent.newBuilder().setReady(ConnectReady.newBuilder().setClientId(clientId)).build());
        }

        void broadcast(Payload payload) {
            send(ConnectEvent.newBuilder().setBroadcast(payload).build());
        }

        void ping() {
            send(ConnectEvent.newBuilder().setPing(Ping.getDefaultInstance()).build());
        }

        /** The container went away: the server says why and ends the stream. */
        synchronized void closed(String reason) {
            send(ConnectEvent.newBuilder().setClosed(ConnectClosed.newBuilder().setReason(reason)).build());
            out.onCompleted();
        }

        synchronized void end(Status status) {
            out.onError(status.asRuntimeException());
        }

        Status endedByClient() {
            return ending.await();
        }

        private synchronized void send(ConnectEvent event) {
            out.onNext(event);
        }
    }

    /** One {@code Agent.Calls} stream. */
    static final class AgentCalls implements StreamObserver<DirectCall> {
        private final ServerCallStreamObserver<DirectResult> out;
        private final BlockingQueue<DirectCall> calls = new LinkedBlockingQueue<>();

        AgentCalls(ServerCallStreamObserver<DirectResult> out) {
            this.out = out;
        }

        @Override
        public void onNext(DirectCall call) {
            calls.add(call);
        }

        /** The client cancelled the stream: nothing is left to answer on it. */
        @Override
        public void onError(Throwable failure) {}

        /** The client is done calling: the agent ends the stream (this one has nothing left to answer). */
        @Override
        public synchronized void onCompleted() {
            out.onCompleted();
        }

        DirectCall next() {
            return ScriptedServer.next(calls, "direct call");
        }

        synchronized void reply(DirectCall call, Payload payload) {
            out.onNext(DirectResult.newBuilder().setCallId(call.getCallId())
                    .setReply(ContainerReply.newBuilder().setPayload(payload)).build());
        }

        synchronized void fail(DirectCall call, Status.Code code, String message, boolean fromContainer) {
            out.onNext(DirectResult.newBuilder().setCallId(call.getCallId())
                    .setError(error(code, message, fromContainer)).build());
        }

        synchronized void end(Status status) {
            out.onError(status.asRuntimeException());
        }

        /** Writes {@code result} as it is: a batch, or a result that says this agent takes batches. */
        synchronized void send(DirectResult result) {
            out.onNext(result);
        }
    }

    /** A unary call waiting for its answer. */
    record Unary<Q, A>(Q request, StreamObserver<A> out) {
        void answer(A answer) {
            out.onNext(answer);
            out.onCompleted();
        }

        void fail(Status status) {
            out.onError(status.asRuntimeException());
        }
    }
}
