package dev.vnet.runtime;

import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentHeartbeat;
import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.Broadcast;
import dev.vnet.proto.v1.ClientConnect;
import dev.vnet.proto.v1.ClientConnected;
import dev.vnet.proto.v1.ClientDisconnect;
import dev.vnet.proto.v1.ContainerStarted;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.ContainerStopped;
import dev.vnet.proto.v1.DrainRequest;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.RouteSend;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.NetworkEndpoints;
import dev.vnet.wire.FrameBatches;
import dev.vnet.wire.OutboundStream;
import dev.vnet.wire.QueueBudget;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The agent's one long-lived stream to the network: registers (with the containers it already runs), heartbeats,
 * carries out the network's commands, and reconnects with backoff, trying the configured endpoints in turn, when
 * the stream breaks. Containers keep running while the network is away and are re-registered when it is back.
 */
final class NetworkLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NetworkLink.class.getName());
    private static final long DEFAULT_CALL_TIMEOUT_MS = 30_000;
    /** How long a registration may wait for the connection to be up, and then for the network's answer. */
    private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);

    private final AgentIdentity identity;
    private final NetworkEndpoints endpoints;
    private final ContainerHost host;
    private final ScheduledExecutorService scheduler;
    /** Opens the channel to one of the network's endpoints. */
    private final Function<Endpoint, ManagedChannel> openChannel;
    private final CallTracing tracing;
    private final QueueBudget budget;
    private final SessionTicketCheck tickets;
    private final LoadProbe loadProbe = new LoadProbe();
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();

    private volatile Session current;
    private volatile boolean closed;
    private volatile long heartbeatMillis = 1000;
    /** When the network was last heard from, and whether self-fencing copies must stop serving. */
    private final NetworkContact contact = new NetworkContact(System::nanoTime);
    /** When the heartbeat last ran; only the heartbeat reads and writes it. */
    private long lastBeatNanos = System.nanoTime();
    /** The newest leader epoch seen: commands from an older (deposed) coordinator are ignored. */
    private volatile long leaderEpoch;
    /**
     * The secret of this process's registration, from the network's last acknowledgement: a reconnect shows it to
     * replace a stream the network still holds for this instance. Never logged.
     */
    private volatile String instanceSecret = "";
    private volatile AgentState state = AgentState.AGENT_STATE_UNSPECIFIED;

    NetworkLink(AgentIdentity identity, List<Endpoint> endpoints, ContainerHost host,
            ScheduledExecutorService scheduler, Function<Endpoint, ManagedChannel> openChannel, CallTracing tracing,
            QueueBudget budget, SessionTicketCheck tickets) {
        this.identity = identity;
        this.tickets = tickets;
        this.budget = budget;
        this.endpoints = new NetworkEndpoints(endpoints, Duration.ofSeconds(2));
        this.host = host;
        this.scheduler = scheduler;
        this.openChannel = openChannel;
        this.tracing = tracing;
        host.onStopped(this::reportStopped);
        host.fenceWhen(contact::fenced);
    }

    /** How long since the network was last heard from. */
    Duration silence() {
        return contact.silence();
    }

    /** Whether the network has not been heard from for longer than the alive timeout. */
    boolean lostTheNetwork() {
        return contact.lost();
    }

    /** This process's state as the network last told it: ACTIVE, STANDBY (another instance holds the id), DRAINING. */
    AgentState state() {
        return state;
    }

    /**
     * Asks the network to move this agent's containers away and waits, at most {@code deadline}, until none is
     * left running here. Answers whether the agent was drained in time. Stops waiting when the network that drains
     * it goes away: nothing moves without it (a coordinator stopped together with its agents, as {@code bin/vnet up}
     * does on Ctrl-C, would otherwise hold every agent for the whole deadline).
     */
    boolean drain(Duration deadline) throws InterruptedException {
        Session session = current;
        if (session == null || !session.registered || host.count() == 0) {
            return host.count() == 0;
        }
        session.sendControl(AgentFrame.newBuilder().setDrain(DrainRequest.newBuilder().setDeadlineMs(deadline.toMillis()))
                .build());
        long until = System.nanoTime() + deadline.toNanos();
        while (host.count() > 0 && System.nanoTime() < until) {
            if (current != session) {
                LOG.log(Level.WARNING, () -> "agent " + identity.agentId() + " lost the network while draining: "
                        + host.count() + " containers were not moved away");
                return false;
            }
            Thread.sleep(50);
        }
        return host.count() == 0;
    }

    void start() {
        scheduler.execute(this::connect);
        scheduler.schedule(this::heartbeat, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    /** Completes when the network first accepts the registration. */
    CompletableFuture<Void> registered() {
        return firstRegistration;
    }

    boolean isRegistered() {
        Session session = current;
        return session != null && session.registered;
    }

    @Override
    public void close() {
        closed = true;
        Session session = current;
        if (session != null) {
            session.out.complete();
        }
        for (ManagedChannel channel : channels.values()) {
            Grpc.close(channel, 1000);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        Endpoint endpoint = endpoints.current();
        ManagedChannel channel = channels.computeIfAbsent(endpoint, openChannel);
        // Our backoff decided it is time to try: skip what is left of gRPC's own reconnect backoff.
        channel.resetConnectBackoff();
        Session session = new Session(endpoint);
        current = session;
        AgentChannelGrpc.newStub(channel).connect(session);
        session.sendControl(AgentFrame.newBuilder().setRegister(registration()).build());
    }

    /**
     * Gives up on a registration the network does not answer: {@link #REGISTRATION_WAIT} to get the connection up,
     * then as long again, counted from when it is up, for the answer. A freshly started process on a busy host may
     * take seconds to set up its connection; counting that against the answer made agents give up registrations
     * the network had accepted, which watchers then saw added, removed and added again.
     */
    private void checkRegistrationWait(Session session) {
        long now = System.nanoTime();
        ManagedChannel channel = channels.get(session.endpoint);
        if (session.upSinceNanos == 0 && channel != null && channel.getState(false) == ConnectivityState.READY) {
            session.upSinceNanos = now;
        }
        long waitNanos = REGISTRATION_WAIT.toNanos();
        if (session.upSinceNanos == 0 && now - session.startedNanos > waitNanos) {
            session.abandon(Status.DEADLINE_EXCEEDED.withDescription("the connection was not up within "
                    + REGISTRATION_WAIT.toMillis() + " ms"));
        } else if (session.upSinceNanos != 0 && now - session.upSinceNanos > waitNanos) {
            session.abandon(Status.DEADLINE_EXCEEDED.withDescription("no answer to the registration within "
                    + REGISTRATION_WAIT.toMillis() + " ms of the connection being up"));
        }
    }

    private AgentRegister registration() {
        return AgentRegister.newBuilder()
                .setAgentId(identity.agentId())
                .setInstanceId(identity.instanceId())
                .setInstanceSecret(instanceSecret)
                .setEndpoint(identity.endpoint())
                .addAllKinds(host.kinds())
                .setCluster(identity.cluster())
                .addAllLabels(identity.labels())
                .setCapacity(identity.capacity())
                .addAllContainers(host.running())
                .addAllStateless(host.offers())
                .setAcceptsBatches(true)
                .setVersion(identity.version())
                .build();
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        try {
            forgiveOwnStall();
            Session session = current;
            if (session != null && session.registered && lostTheNetwork()) {
                session.abandon(Status.DEADLINE_EXCEEDED.withDescription("the network was silent for "
                        + contact.silence().toMillis() + " ms"));
            } else if (session != null && session.registered && contact.fenced()) {
                // Out of touch for longer than the alive timeout (this process was frozen, say): the network may
                // have moved our ha and stateless copies. Register again; its answer says which copies to drop.
                session.abandon(Status.DEADLINE_EXCEEDED.withDescription("this agent was out of touch with the "
                        + "network for longer than the alive timeout; registering again before serving copies the "
                        + "network may have moved"));
            } else if (session != null && !session.registered) {
                checkRegistrationWait(session);
            } else if (session != null) {
                // Ahead of queued replies and broadcasts: data must never delay the heartbeat.
                session.out.sendUrgent(AgentFrame.newBuilder().setHeartbeat(AgentHeartbeat.newBuilder()
                        .setLoad(loadProbe.sample(host.count()))
                        .setSentAtMs(System.currentTimeMillis())).build());
            }
        } finally {
            scheduler.schedule(this::heartbeat, heartbeatMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Time in which this process itself did not run (a long GC pause, a starved host) is not the network's silence:
     * what the network sent meanwhile still waits to be read. Whatever of the gap between two heartbeats passes the
     * interval is added to the last contact.
     */
    private void forgiveOwnStall() {
        long now = System.nanoTime();
        long stalled = now - lastBeatNanos - TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        lastBeatNanos = now;
        if (stalled > 0) {
            contact.forgive(stalled);
        }
    }

    private void reportStopped(String uuid, long epoch, String reason) {
        Session session = current;
        if (session != null) {
            session.sendControl(AgentFrame.newBuilder().setStopped(ContainerStopped.newBuilder()
                    .setUuid(uuid).setEpoch(epoch).setReason(reason)).build());
        }
    }

    private void ended(Session session, Throwable failure) {
        if (current != session) {
            return;
        }
        current = null;
        host.disconnectAll(link -> link instanceof NetworkClient client && client.session == session);
        if (closed) {
            return;
        }
        Throwable cause = failure != null ? failure
                : Status.UNAVAILABLE.withDescription("the network ended the stream").asRuntimeException();
        long delay = endpoints.failed(session.endpoint, cause, session.registered);
        Status status = Status.fromThrowable(cause);
        LOG.log(session.registered ? Level.WARNING : Level.INFO, () -> "agent " + identity.agentId()
                + (session.registered ? " lost the network at " : " could not register with the network at ")
                + session.endpoint + ": " + status.getCode() + " " + status.getDescription()
                + "; trying " + endpoints.current() + " in " + delay + " ms");
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** One attempt: a stream to one network endpoint, from registration until it breaks. */
    private final class Session implements ClientResponseObserver<AgentFrame, NetworkFrame> {

        final Endpoint endpoint;
        final long startedNanos = System.nanoTime();
        /** When the connection was first seen up; 0 until then. Only the heartbeat thread reads and writes it. */
        long upSinceNanos;
        volatile OutboundStream<AgentFrame> out;
        volatile boolean registered;

        Session(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AgentFrame> call) {
            out = new OutboundStream<>(call, budget);
        }

        /** Sends a reply or a broadcast: data, bounded by the queue budget's bytes. */
        boolean send(AgentFrame frame) {
            return out.send(frame);
        }

        /** Sends a report the network must get (registration, started, stopped...): never refused for data. */
        boolean sendControl(AgentFrame frame) {
            return out.sendControl(frame);
        }

        /** Gives up on this stream (cancelling it) and moves on as if it had failed with {@code status}. */
        void abandon(Status status) {
            // The reason first: cancelling makes gRPC report CANCELLED to onError, on another thread, and whichever
            // reaches ended() first decides where to go next. Only the true reason (DEADLINE_EXCEEDED: it fell
            // silent) keeps a standby's stale hint from sending this agent straight back to a frozen leader.
            ended(this, status.asRuntimeException());
            out.fail(Status.CANCELLED.withDescription(status.getDescription()));
        }

        @Override
        public void onNext(NetworkFrame frame) {
            contact.heard();
            if (frame.hasBatch()) {
                frame.getBatch().getFramesList().forEach(this::handle);
            } else {
                handle(frame);
            }
        }

        /** One frame, alone or out of a batch. */
        private void handle(NetworkFrame frame) {
            switch (frame.getFrameCase()) {
                case REQUEST -> request(frame.getRequest());
                case HEARTBEAT_ACK -> { }
                case SEND -> send(frame.getSend());
                case REGISTERED -> registered(frame.getRegistered());
                case START -> start(frame.getStart());
                case TERMINATE -> terminate(frame.getTerminate());
                case CONNECT -> connect(frame.getConnect());
                case DISCONNECT -> disconnect(frame.getDisconnect());
                case FRAME_NOT_SET, BATCH -> LOG.log(Level.WARNING,
                        "empty frame or batch inside a batch from the network ignored");
            }
        }

        @Override
        public void onError(Throwable failure) {
            out.abandon();
            ended(this, failure);
        }

        @Override
        public void onCompleted() {
            out.complete();
            ended(this, null);
        }

        private void registered(RegisterAck ack) {
            if (ack.getLeaderEpoch() < leaderEpoch) {
                LOG.log(Level.WARNING, () -> "the network at " + endpoint + " leads with epoch " + ack.getLeaderEpoch()
                        + ", older than " + leaderEpoch + ": it is not the leader any more; trying the next endpoint");
                abandon(Status.UNAVAILABLE.withDescription("stale leader epoch " + ack.getLeaderEpoch()));
                return;
            }
            leaderEpoch = ack.getLeaderEpoch();
            if (ack.getAcceptsBatches()) {
                out.batchWith(FrameBatches::ofAgentFrames);
            }
            if (!ack.getInstanceSecret().isEmpty()) {
                instanceSecret = ack.getInstanceSecret();
            }
            tickets.useKey(ack.getSessionTicketKey());
            for (TerminateContainer stale : ack.getTerminateList()) {
                terminate(stale);
            }
            if (ack.getHeartbeatIntervalMs() > 0) {
                heartbeatMillis = ack.getHeartbeatIntervalMs();
            }
            if (ack.getAliveTimeoutMs() > 0) {
                contact.aliveTimeout(Duration.ofMillis(ack.getAliveTimeoutMs()));
            }
            contact.registered();
            AgentState previous = state;
            state = ack.getState();
            boolean first = !registered;
            registered = true;
            endpoints.established(endpoint);
            if (first) {
                LOG.log(Level.INFO, () -> "agent " + identity.agentId() + " registered with the network at " + endpoint
                        + " as " + ack.getState() + " with " + host.count() + " running containers, "
                        + (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                        + " ms after the process started");
            } else if (previous != state) {
                LOG.log(Level.INFO, () -> "agent " + identity.agentId() + " is now " + state + " (was " + previous
                        + ")");
            }
            firstRegistration.complete(null);
        }

        /** Commands from a coordinator older than the newest one seen are ignored: it has been deposed. */
        private boolean stale(long commandLeaderEpoch, String what) {
            if (commandLeaderEpoch != 0 && commandLeaderEpoch < leaderEpoch) {
                LOG.log(Level.WARNING, () -> "ignored " + what + " from leader epoch " + commandLeaderEpoch
                        + " (newest seen: " + leaderEpoch + ")");
                return true;
            }
            return false;
        }

        private void start(StartContainer command) {
            if (stale(command.getLeaderEpoch(), "start of " + command.getUuid())) {
                return;
            }
            host.start(command, error -> {
                ContainerStarted.Builder started = ContainerStarted.newBuilder()
                        .setUuid(command.getUuid()).setEpoch(command.getEpoch());
                if (error != null) {
                    started.setError(error);
                }
                sendControl(AgentFrame.newBuilder().setStarted(started).build());
            });
        }

        private void terminate(TerminateContainer command) {
            if (stale(command.getLeaderEpoch(), "termination of " + command.getUuid())) {
                return;
            }
            host.terminate(command.getUuid(), command.getEpoch(), command.getReason());
        }

        private void request(RouteRequest request) {
            long timeoutMs = request.getTimeoutMs() > 0 ? request.getTimeoutMs() : DEFAULT_CALL_TIMEOUT_MS;
            Call call = new Call(request.getUuid(), request.getOperation(), request.getPayload(),
                    request.getClientId(), false);
            host.call(request.getUuid(), request.getEpoch(), call,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), new RouteAnswer(request.getRouteId()),
                    tracing.start(call, request.getTraceContextMap(), "routed"));
        }

        private void send(RouteSend message) {
            Call call = new Call(message.getUuid(), message.getOperation(), message.getPayload(),
                    message.getClientId(), true);
            host.call(message.getUuid(), message.getEpoch(), call,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEFAULT_CALL_TIMEOUT_MS), ReplyTo.NONE,
                    tracing.start(call, message.getTraceContextMap(), "routed"));
        }

        private void connect(ClientConnect command) {
            NetworkClient client = new NetworkClient(this, command.getUuid(), command.getClientId());
            host.connect(command.getUuid(), command.getEpoch(), client, error -> {
                ClientConnected.Builder connected = ClientConnected.newBuilder()
                        .setUuid(command.getUuid()).setClientId(command.getClientId());
                if (error != null) {
                    connected.setError(error);
                }
                sendControl(AgentFrame.newBuilder().setConnected(connected).build());
            });
        }

        private void disconnect(ClientDisconnect command) {
            HostedContainer hosted = host.find(command.getUuid());
            if (hosted != null) {
                hosted.disconnectAll(link -> link instanceof NetworkClient client && client.session == this
                        && client.clientId().equals(command.getClientId()));
            }
        }

        /** Sends a container's answer back as the {@code RouteReply} the network waits for. */
        private final class RouteAnswer implements ReplyTo {
            private final long routeId;

            RouteAnswer(long routeId) {
                this.routeId = routeId;
            }

            @Override
            public void ok(Payload payload, long epoch) {
                send(AgentFrame.newBuilder().setReply(RouteReply.newBuilder().setRouteId(routeId).setPayload(payload))
                        .build());
            }

            @Override
            public void fail(Error error) {
                send(AgentFrame.newBuilder().setReply(RouteReply.newBuilder().setRouteId(routeId).setError(error))
                        .build());
            }
        }
    }

    /** A client connected through the network: its broadcasts travel back up this agent's stream. */
    private static final class NetworkClient extends ClientLink {
        final Session session;
        private final String uuid;
        private volatile boolean open = true;

        NetworkClient(Session session, String uuid, String clientId) {
            super(clientId, THE_NETWORK);
            this.session = session;
            this.uuid = uuid;
        }

        @Override
        public boolean send(Payload payload) {
            return open && session.send(AgentFrame.newBuilder().setBroadcast(Broadcast.newBuilder()
                    .setUuid(uuid).setClientId(clientId()).setPayload(payload)).build());
        }

        @Override
        public boolean isOpen() {
            return open && session.out.isOpen();
        }

        @Override
        void close(String reason) {
            // The network closes its clients' streams itself when it learns the container is gone.
            open = false;
        }
    }
}
