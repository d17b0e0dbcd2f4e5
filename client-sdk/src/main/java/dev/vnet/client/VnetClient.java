package dev.vnet.client;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.AgentInfo;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.DeleteContainerRequest;
import dev.vnet.proto.v1.DrainAgentRequest;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetLeaderRequest;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.HistoryRequest;
import dev.vnet.proto.v1.KindInfo;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.ListAgentsRequest;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.ListKindsRequest;
import dev.vnet.proto.v1.ListNodesRequest;
import dev.vnet.proto.v1.MigrateRequest;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.ReleaseRequest;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.ClientTls;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Java client of a vnet network.
 *
 * <pre>{@code
 * try (VnetClient client = VnetClient.builder().network("127.0.0.1:3737").build()) {
 *     ContainerRef room = client.get(GetOptions.kind("chat").uuid("room-1"));
 *     Map<?, ?> answer = room.request("post", Map.of("text", "hi"), Map.class);
 * }
 * }</pre>
 *
 * <p>Every method has a blocking form and an {@code Async} form returning a {@link CompletableFuture}. Futures
 * complete on the client's I/O threads: continuations must not block (use the {@code *Async} methods of
 * {@code CompletableFuture} with your own executor for slow work). Every call is bounded by its timeout (the
 * builder's default, 30 s, unless {@link CallOptions} says otherwise); failures are {@link VnetException}s.
 */
public final class VnetClient implements AutoCloseable {

    private final Builder config;
    private final ClientChannels channels;
    private final ScheduledExecutorService scheduler;
    private final SessionChannel session;
    private final DirectCalls direct;
    private final Set<EventWatch> watches = ConcurrentHashMap.newKeySet();
    private final ClientTracing tracing;

    private VnetClient(Builder config) {
        this.config = config;
        ChannelSecurity security = new ChannelSecurity(config.tls, config.token);
        this.channels = config.connector == null
                ? new ClientChannels(config.network, Grpc.maxMessageBytes(config.maxPayloadBytes), security)
                : new ClientChannels(config.network, security, config.connector);
        this.scheduler = DaemonThreads.scheduler("vnet-client");
        this.session = new SessionChannel(channels, config.name, config.connectTimeout, scheduler,
                config.sessionEvents);
        this.direct = new DirectCalls(channels);
        this.tracing = new ClientTracing(config.openTelemetry);
        session.start();
        scheduler.scheduleWithFixedDelay(() -> direct.sweep(System.nanoTime()), 5, 5, TimeUnit.MILLISECONDS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Waits until the session with the network is open; the client connects by itself in the background. */
    public VnetClient awaitConnected(Duration timeout) {
        try {
            session.connected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (TimeoutException e) {
            throw new VnetException(Status.Code.UNAVAILABLE, "could not open a session with the network at "
                    + channels.endpoints().configured() + " within " + timeout.toMillis() + " ms; last problem: "
                    + session.lastProblem());
        } catch (ExecutionException e) {
            if (session.sessionId() != null) {
                return this; // refused once (e.g. a token the network learned since), connected now
            }
            throw VnetException.from(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VnetException(Status.Code.CANCELLED, "interrupted while connecting");
        }
    }

    /** This client's session id (the client id containers see), or null while not connected. */
    public String sessionId() {
        return session.sessionId();
    }

    // ---- containers ----

    public ContainerRef get(GetOptions options) {
        return Futures.await(getAsync(options));
    }

    /** Gets or creates a container; this client holds a reference to it until it releases it or closes. */
    public CompletableFuture<ContainerRef> getAsync(GetOptions options) {
        GetRequest request = options.toRequest();
        return session.call(ClientFrame.newBuilder().setGet(request), deadline(null)).thenApply(frame -> {
            ServerFrame answer = answerOf(frame);
            ContainerInfo info = answer.getGet().getContainer();
            session.hold(info.getUuid(), request);
            return new ContainerRef(this, info, answer.getGet().getCreated());
        });
    }

    /** Drops this client's reference; returns the references left (from all clients). */
    public int release(String uuid) {
        return Futures.await(releaseAsync(uuid));
    }

    public CompletableFuture<Integer> releaseAsync(String uuid) {
        return releaseWithOutcome(uuid).thenApply(ReleaseResponse::getReferences);
    }

    /**
     * Drops this client's reference; the answer says the references left and, when none are, when the container
     * will stop (its idle timeout) unless someone gets it again.
     */
    public CompletableFuture<ReleaseResponse> releaseWithOutcome(String uuid) {
        session.forget(uuid);
        return session.call(ClientFrame.newBuilder().setRelease(ReleaseRequest.newBuilder().setUuid(uuid)),
                deadline(null)).thenApply(frame -> answerOf(frame).getReleased());
    }

    // ---- calls ----

    /** A request routed through the network; the answer is decoded from JSON as {@code type}. */
    public <T> T request(String uuid, String operation, Object data, Class<T> type) {
        return Json.decode(Futures.await(requestAsync(uuid, operation, data, CallOptions.DEFAULT)), type);
    }

    /**
     * A request routed through the network. When the agent that had the call died before answering, the call fails
     * with UNAVAILABLE (it may or may not have run) — unless {@code options} mark it idempotent: then it is sent once
     * more, and the network holds it until the container runs again (on a standby, or re-created elsewhere).
     */
    public CompletableFuture<Payload> requestAsync(String uuid, String operation, Object data, CallOptions options) {
        long deadline = deadline(options.timeout());
        return tracing.traced("request", containerRequest(uuid, operation, data, options), request -> {
            CompletableFuture<Payload> first = routed(request, deadline);
            if (!options.idempotent()) {
                return first;
            }
            return first.exceptionallyCompose(failure -> {
                VnetException error = VnetException.from(failure);
                boolean undelivered = error.code() == Status.Code.UNAVAILABLE && !error.fromContainer();
                return undelivered && System.nanoTime() - deadline < 0 ? routed(request, deadline)
                        : CompletableFuture.failedFuture(error);
            });
        });
    }

    private CompletableFuture<Payload> routed(ContainerRequest request, long deadline) {
        return session.call(ClientFrame.newBuilder().setRequest(request), deadline)
                .thenApply(frame -> answerOf(frame).getReply().getPayload());
    }

    /** A one-way message routed through the network; returns once the network handed it to the agent. */
    public void send(String uuid, String operation, Object data) {
        Futures.await(sendAsync(uuid, operation, data));
    }

    public CompletableFuture<Void> sendAsync(String uuid, String operation, Object data) {
        return tracing.traced("send", containerRequest(uuid, operation, data, CallOptions.DEFAULT), request ->
                session.call(ClientFrame.newBuilder().setSend(request), deadline(null)).thenApply(frame -> {
                    answerOf(frame);
                    return null;
                }));
    }

    /**
     * A request straight to the agent that runs {@code container} (as described by a get or a listing), without
     * the network in between. NOT_FOUND when the container is no longer there: ask the network again. The container
     * sees this client's session as the caller once a get brought a ticket for that agent
     * (docs/SECURITY.md); before, the call names no session.
     */
    public CompletableFuture<Payload> requestDirectAsync(ContainerInfo container, String operation, Object data,
            CallOptions options) {
        long deadline = deadline(options.timeout());
        ContainerRequest unproven = containerRequest(container.getUuid(), operation, data, options);
        DirectTickets.Ticket ticket = session.ticketFor(container.getAgentId());
        ContainerRequest call = ticket == null ? unproven : unproven.toBuilder().setSessionId(ticket.sessionId())
                .setSessionTicket(ticket.ticket()).build();
        return tracing.traced("direct", call, request ->
                direct.call(Endpoint.parse(container.getEndpoint()), request, false, deadline)
                        .thenApply(ContainerReply::getPayload));
    }

    // ---- connections and events ----

    /** Connects to a container's broadcasts through the network. */
    public Connection connect(String uuid, BroadcastListener listener) {
        Endpoint through = channels.endpoints().current();
        ConnectStream stream = ConnectStream.open(uuid, session.sessionId(), ByteString.EMPTY, listener,
                "the network at " + through, scheduler, channels.pingInterval(), channels.aliveTimeout(),
                observer -> NetworkGrpc.newStub(channels.channel(through)).connect(observer));
        // The connection also follows the session: once it opens at another coordinator, this one is left.
        Runnable stopFollowing = channels.onSessionOpened(moved -> {
            if (!moved.equals(through)) {
                stream.abandon("the network's leader moved from " + through + " to " + moved + "; connect again");
            }
        });
        stream.onEnd(stopFollowing);
        return openConnection(stream);
    }

    /**
     * Connects straight to the agent of {@code container} as this client's session. The agent takes the session as
     * this client's only with the ticket a get answered with for that agent (docs/SECURITY.md): the connection names
     * the session of the newest such ticket, which after a reconnect to the network may still be the ended one
     * until the client has taken its references again.
     */
    Connection connectDirect(ContainerInfo container, BroadcastListener listener) {
        Endpoint agent = Endpoint.parse(container.getEndpoint());
        DirectTickets.Ticket ticket = session.ticketFor(container.getAgentId());
        String sessionId = ticket == null ? session.sessionId() : ticket.sessionId();
        ByteString proof = ticket == null ? ByteString.EMPTY : ticket.ticket();
        return openConnection(ConnectStream.open(container.getUuid(), sessionId, proof, listener,
                "agent " + container.getAgentId() + " at " + agent, scheduler, channels.pingInterval(),
                channels.aliveTimeout(), observer -> AgentGrpc.newStub(channels.channel(agent)).connect(observer)));
    }

    private Connection openConnection(ConnectStream stream) {
        scheduler.schedule(() -> stream.abandonIfNotReady(new VnetException(Status.Code.DEADLINE_EXCEEDED,
                "the container did not accept the connection within " + config.timeout.toMillis() + " ms")),
                config.timeout.toMillis(), TimeUnit.MILLISECONDS);
        return Futures.await(stream.ready());
    }

    /**
     * Watches network events until the subscription is closed, re-subscribing by itself after a network restart.
     * The listener runs on the client's I/O threads and must not block.
     *
     * @param snapshot first deliver the current agents and containers as ADDED events (again after each re-subscribe)
     * @param kinds only these kinds of events; all when none are given. Not {@code EVENT_KIND_PING}: the watch asks
     *        for pings by itself, to notice a silent server, and does not hand them on.
     */
    public Subscription watch(Consumer<Event> listener, boolean snapshot, EventKind... kinds) {
        if (List.of(kinds).contains(EventKind.EVENT_KIND_PING)) {
            throw new IllegalArgumentException("EVENT_KIND_PING is not a kind to watch: the watch asks for pings by"
                    + " itself and does not hand them on; leave it out");
        }
        EventWatch watch = new EventWatch(channels, scheduler, snapshot, List.of(kinds), listener);
        watches.add(watch);
        watch.start();
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    // ---- listings ----

    public List<AgentInfo> agents() {
        return unary(() -> network().listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList());
    }

    /** Containers matching every filter given (null or empty filters match everything). */
    public List<ContainerInfo> containers(String kind, List<String> labels, String agentId) {
        ListContainersRequest.Builder request = ListContainersRequest.newBuilder();
        if (kind != null) {
            request.setKind(kind);
        }
        if (labels != null) {
            request.addAllLabels(labels);
        }
        if (agentId != null) {
            request.setAgentId(agentId);
        }
        return unary(() -> network().listContainers(request.build()).getContainersList());
    }

    public List<KindInfo> kinds() {
        return unary(() -> network().listKinds(ListKindsRequest.getDefaultInstance()).getKindsList());
    }

    /** Node health as the network's store keeps it: every agent it has known, healthy or not. */
    public List<NodeInfo> nodes(NodeStatus only) {
        return unary(() -> admin().listNodes(ListNodesRequest.newBuilder().setStatus(only).build()).getNodesList());
    }

    /** Who leads the network, with which fencing epoch. */
    public LeaderInfo leader() {
        return unary(() -> admin().getLeader(GetLeaderRequest.getDefaultInstance()));
    }

    /**
     * Moves an ha container to another agent ({@code targetAgent}, or the network's choice when null) and answers
     * when the move is over: completed, or failed with the reason.
     */
    public MigrationInfo migrate(String uuid, String targetAgent) {
        return unary(() -> admin().migrate(MigrateRequest.newBuilder().setUuid(uuid)
                .setTargetAgent(targetAgent == null ? "" : targetAgent).build()));
    }

    /** The moves of a container, newest first. */
    public List<MigrationInfo> history(String uuid, int limit) {
        return unary(() -> admin().history(HistoryRequest.newBuilder().setUuid(uuid).setLimit(limit).build())
                .getMigrationsList());
    }

    /**
     * Drains an agent: its stateless and ha containers move away, its standard ones stop when released or after
     * {@code deadline} (the network's default when null).
     */
    public AgentInfo drain(String agentId, Duration deadline) {
        return unary(() -> admin().drain(DrainAgentRequest.newBuilder().setAgentId(agentId)
                .setDeadlineMs(deadline == null ? 0 : deadline.toMillis()).build()).getAgent());
    }

    /** Stops and forgets a container, whoever holds it. */
    public void delete(String uuid) {
        unary(() -> admin().deleteContainer(DeleteContainerRequest.newBuilder().setUuid(uuid).build()));
    }

    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(session.channel())
                .withDeadlineAfter(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private NetworkGrpc.NetworkBlockingStub network() {
        return NetworkGrpc.newBlockingStub(session.channel())
                .withDeadlineAfter(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T unary(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw VnetException.from(e);
        }
    }

    @Override
    public void close() {
        watches.forEach(EventWatch::close);
        session.close();
        direct.close();
        scheduler.shutdownNow();
        channels.close();
    }

    // ---- helpers ----

    private ContainerRequest containerRequest(String uuid, String operation, Object data, CallOptions options) {
        Duration timeout = options.timeout() != null ? options.timeout() : config.timeout;
        return ContainerRequest.newBuilder()
                .setUuid(Objects.requireNonNull(uuid, "uuid"))
                .setOperation(Objects.requireNonNull(operation, "operation"))
                .setPayload(Json.encode(data))
                .setTimeoutMs(timeout.toMillis())
                .setIdempotent(options.idempotent())
                .build();
    }

    private long deadline(Duration timeout) {
        return System.nanoTime() + (timeout != null ? timeout : config.timeout).toNanos();
    }

    /** The frame itself when it answers successfully; its error as a VnetException otherwise. */
    private static ServerFrame answerOf(ServerFrame frame) {
        if (frame.hasError()) {
            throw SessionChannel.toException(frame);
        }
        return frame;
    }

    /** Client settings; everything has a default. */
    public static final class Builder {
        private List<Endpoint> network = List.of(new Endpoint("127.0.0.1", 3737));
        private String name = "java-client";
        private Duration timeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxPayloadBytes = 4 * 1024 * 1024;
        private Consumer<Event> sessionEvents = event -> { };
        private String token;
        private ClientTls tls;
        private OpenTelemetry openTelemetry;
        private Function<Endpoint, ManagedChannel> connector;

        private Builder() {}

        /**
         * Makes the channel to each endpoint (the network's and agents') instead of a Netty channel, so that the
         * package's tests can serve the client in-process; {@code tls}, {@code token} and
         * {@code maxPayloadBytes} are then the connector's business.
         */
        Builder connector(Function<Endpoint, ManagedChannel> connector) {
            this.connector = connector;
            return this;
        }

        /**
         * The bearer token sent with every call, to the network and to agents (a static token or a JWT); none by
         * default, for a network with authentication off.
         */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /**
         * Traces every call to a container with this OpenTelemetry (a client span whose context travels with the
         * call to the network, the agent and the container); not traced by default.
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
            return this;
        }

        /**
         * TLS to the network and to agents; plaintext by default. {@code ClientTls.trusting(caFile)} checks the
         * servers against a CA; {@code .withCertificate(chain, key)} adds a client certificate for mutual TLS.
         */
        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        /** The network's endpoints, {@code host:port[,host:port...]}; default 127.0.0.1:3737. */
        public Builder network(String endpoints) {
            this.network = Endpoint.parseList(endpoints);
            return this;
        }

        /** How this client appears in the network's logs and listings. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Default bound of every call; default 30 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long one attempt to open a session may take before the next endpoint is tried; default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Told about containers this client holds that were removed or moved (e.g. their agent died). Runs on an
         * I/O thread: must not block.
         */
        public Builder onSessionEvent(Consumer<Event> listener) {
            this.sessionEvents = listener;
            return this;
        }

        public VnetClient build() {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return new VnetClient(this);
        }
    }
}
