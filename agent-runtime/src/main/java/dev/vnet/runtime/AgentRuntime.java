package dev.vnet.runtime;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.Capacity;
import dev.vnet.security.AuthInterceptor;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.ServerTls;
import dev.vnet.wire.ColdStart;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.GrpcServers;
import dev.vnet.wire.Names;
import dev.vnet.wire.QueueBudget;
import dev.vnet.wire.ServerGuard;
import dev.vnet.wire.SharedBytes;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An agent embedded in any Java process: hosts containers of the kinds it is given, serves direct requests on its
 * own gRPC port, and keeps a stream to the network (registering, heartbeating, obeying its commands, reconnecting).
 *
 * <pre>{@code
 * AgentRuntime agent = AgentRuntime.builder()
 *         .agentId("worker-1")
 *         .network("127.0.0.1:3737")
 *         .port(3738)
 *         .kind(new MyKind())
 *         .build()
 *         .start();
 * }</pre>
 */
public final class AgentRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentRuntime.class.getName());
    private static final int MAX_QUEUED_FRAMES = 65_536;

    private final Builder config;
    private final String instanceId = UUID.randomUUID().toString();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService scheduler;
    private final ContainerHost host;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;
    private NetworkLink link;
    private volatile String endpoint;
    private final AtomicLong droppedReaders = new AtomicLong();

    private AgentRuntime(Builder config) {
        this.config = config;
        this.workers = new ThreadPoolExecutor(config.workerThreads, config.workerThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(config.workerQueue), DaemonThreads.factory("vnet-worker"));
        this.workers.allowCoreThreadTimeOut(true);
        this.scheduler = DaemonThreads.scheduler("vnet-agent-link");
        this.host = new ContainerHost(config.agentId, config.kinds, workers, config.maxContainers,
                config.maxPayloadBytes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts serving direct requests and connecting to the network; does not wait for the registration. */
    public synchronized AgentRuntime start() {
        if (server != null) {
            throw new IllegalStateException("agent runtime " + config.agentId + " is already started");
        }
        ColdStart.warmUp();
        Json.warmUp();
        for (StatelessSpec offer : config.stateless) {
            try {
                host.offer(offer.kind(), offer.uuid(), offer.labels());
            } catch (Exception e) {
                throw new IllegalStateException("cannot create stateless container " + offer.uuid() + ": " + e.getMessage(),
                        e);
            }
        }
        int maxMessageBytes = Grpc.maxMessageBytes(config.maxPayloadBytes);
        // The advertised endpoint needs the real port, which is only known once bound (port 0 picks one).
        CallTracing tracing = config.openTelemetry == null ? CallTracing.OFF : new CallTracing(config.openTelemetry);
        QueueBudget directBudget = new QueueBudget(MAX_QUEUED_FRAMES, config.maxQueuedBytesPerStream,
                "vnet.agent.max-queued-bytes-per-stream",
                new SharedBytes(config.maxQueuedBytes, "vnet.agent.max-queued-bytes"), true,
                budget -> droppedReaders.incrementAndGet());
        SessionTicketCheck tickets = new SessionTicketCheck(config.agentId, config.auth.isOn());
        DirectService direct = new DirectService(host, config.agentId, () -> endpoint, tracing, directBudget,
                config.maxPayloadBytes, tickets, scheduler);
        ServerGuard guard = new ServerGuard(new ServerGuard.Limits(config.maxStreamsPerConnection,
                "vnet.agent.max-streams-per-connection", config.firstMessageTimeout,
                "vnet.agent.first-message-timeout"), scheduler);
        ServerBuilder<?> transport = config.directTransport != null ? config.directTransport
                : GrpcServers.netty(config.host, config.port, config.serverTls);
        server = GrpcServers.start(transport, config.directAddress(), maxMessageBytes,
                List.<BindableService>of(direct), List.of(config.auth), health, guard);
        endpoint = config.advertisedHost() + ":" + server.getPort();
        AgentIdentity identity = new AgentIdentity(config.agentId, instanceId, endpoint, config.cluster,
                List.copyOf(config.labels), config.capacity, config.version);
        // The stream to the network carries every container's replies and broadcasts: it has the whole budget.
        QueueBudget linkBudget = new QueueBudget(MAX_QUEUED_FRAMES, config.maxQueuedBytes,
                "vnet.agent.max-queued-bytes", null, false, null);
        Function<Endpoint, ManagedChannel> openChannel = config.networkChannels != null ? config.networkChannels
                : address -> Grpc.channel(address, maxMessageBytes, config.networkSecurity);
        link = new NetworkLink(identity, config.network, host, scheduler, openChannel, tracing, linkBudget, tickets);
        link.start();
        health.setStatus("", ServingStatus.SERVING);
        LOG.log(Level.INFO, () -> "agent " + config.agentId + " (instance " + instanceId + ") serves " + host.kinds()
                + " on " + endpoint + ", network " + config.network);
        return this;
    }

    /** Completes when the network first accepts this agent. */
    public CompletableFuture<Void> registered() {
        return link.registered();
    }

    /** Whether the agent is registered with a network right now. */
    public boolean isRegistered() {
        return link != null && link.isRegistered();
    }

    /**
     * This process's state as the network last told it: ACTIVE (it is the agent), STANDBY (another live process
     * holds the agent id; this one takes over when that one dies) or DRAINING.
     */
    public AgentState state() {
        return link == null ? AgentState.AGENT_STATE_UNSPECIFIED : link.state();
    }

    /** Whether the agent has not heard from the network for longer than the alive timeout. */
    public boolean lostTheNetwork() {
        return link != null && link.lostTheNetwork();
    }

    /** host:port where this agent serves direct requests (known after {@link #start}). */
    public String endpoint() {
        return endpoint;
    }

    /** The port the direct server listens on (known after {@link #start}; -1 on a transport without one). */
    public int port() {
        return server.getPort();
    }

    public String agentId() {
        return config.agentId;
    }

    public String instanceId() {
        return instanceId;
    }

    public List<String> kinds() {
        return host.kinds();
    }

    public int containerCount() {
        return host.count();
    }

    /** Containers serving now, by kind. */
    public Map<String, Integer> containerCountByKind() {
        return host.countByKind();
    }

    /** Direct readers dropped because they fell behind their queue budget, since start. */
    public long droppedReaders() {
        return droppedReaders.get();
    }

    /** Calls waiting for a worker thread. */
    public int queuedCalls() {
        return workers.getQueue().size();
    }

    /** How long since the network was last heard from. */
    public Duration networkSilence() {
        return link == null ? Duration.ZERO : link.silence();
    }

    /**
     * Stops the agent: first asks the network to drain it (its containers move to other agents; at most
     * {@code drainDeadline}), then leaves the network, terminates what is left and stops serving, waiting at most
     * {@code grace} for calls in flight.
     */
    public synchronized void close(Duration drainDeadline, Duration grace) {
        if (server == null) {
            return;
        }
        if (!drainDeadline.isZero()) {
            try {
                boolean drained = link.drain(drainDeadline);
                LOG.log(Level.INFO, () -> "agent " + config.agentId + (drained ? " drained" : " not fully drained")
                        + " before shutting down; " + host.count() + " containers left");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close(grace);
    }

    /**
     * Stops the agent at once: leaves the network, terminates its containers and stops serving, waiting at most
     * {@code grace} for calls in flight.
     */
    public synchronized void close(Duration grace) {
        if (server == null) {
            return;
        }
        health.enterTerminalState();
        link.close();
        host.terminateAll("agent " + config.agentId + " is shutting down");
        GrpcServers.stop(server, grace.toMillis());
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        server = null;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private record StatelessSpec(String kind, String uuid, List<String> labels) {}

    /** Configuration of an {@link AgentRuntime}; every setting has a default except the kinds. */
    public static final class Builder {
        private String agentId = defaultAgentId();
        private List<Endpoint> network = List.of(new Endpoint("127.0.0.1", 3737));
        private String host = "0.0.0.0";
        private int port = 3738;
        private String advertisedHost = "";
        private String cluster = "";
        private final List<String> labels = new ArrayList<>();
        private Capacity capacity = Capacity.getDefaultInstance();
        private int maxContainers;
        private final Map<String, ContainerKind> kinds = new LinkedHashMap<>();
        private final List<StatelessSpec> stateless = new ArrayList<>();
        private int workerThreads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        private int workerQueue = 100_000;
        private int maxPayloadBytes = 4 * 1024 * 1024;
        private long maxQueuedBytesPerStream = 16L << 20;
        private long maxQueuedBytes = 128L << 20;
        private int maxStreamsPerConnection = 10_000;
        private Duration firstMessageTimeout = Duration.ofSeconds(10);
        private String version = "dev";
        private ChannelSecurity networkSecurity = ChannelSecurity.NONE;
        private ServerTls serverTls;
        private AuthInterceptor auth = AuthInterceptor.off();
        private OpenTelemetry openTelemetry;
        private ServerBuilder<?> directTransport;
        private String directTransportName;
        private Function<Endpoint, ManagedChannel> networkChannels;

        private Builder() {}

        /**
         * Serves direct requests on {@code transport} (an in-process server, in tests) instead of Netty on
         * {@link #host}:{@link #port} with {@link #serverTls}, which then do not apply; {@code name} says where it
         * listens, in errors. Package-private: a seam for this package's tests, not part of the embedding API.
         */
        Builder directTransport(ServerBuilder<?> transport, String name) {
            this.directTransport = transport;
            this.directTransportName = name;
            return this;
        }

        /**
         * Opens the channel to each of the network's endpoints with {@code channels} (in-process ones, in tests)
         * instead of Netty with {@link #networkSecurity}, which then does not apply. Package-private, as
         * {@link #directTransport} is.
         */
        Builder networkChannels(Function<Endpoint, ManagedChannel> channels) {
            this.networkChannels = channels;
            return this;
        }

        /**
         * Traces calls that arrive with a caller's trace context: a span for the agent's handling and one for the
         * container's code (current while it runs). Not traced by default.
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
            return this;
        }

        /** How this agent reaches the network: TLS and the token it registers with; plaintext, no token by default. */
        public Builder networkSecurity(ChannelSecurity security) {
            this.networkSecurity = security;
            return this;
        }

        /** TLS for this agent's own port (direct requests); plaintext by default. */
        public Builder serverTls(ServerTls tls) {
            this.serverTls = tls;
            return this;
        }

        /** Who may make direct requests to this agent; by default anyone (authentication off). */
        public Builder authentication(AuthInterceptor auth) {
            this.auth = auth;
            return this;
        }

        /** The agent's role name; default: the host name. */
        public Builder agentId(String agentId) {
            this.agentId = agentId;
            return this;
        }

        /** The network's endpoints, {@code host:port[,host:port...]}; default 127.0.0.1:3737. */
        public Builder network(String endpoints) {
            this.network = Endpoint.parseList(endpoints);
            return this;
        }

        /** Where to listen for direct requests; default 0.0.0.0. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Port for direct requests; default 3738, 0 picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The host clients should use to reach this agent directly; default: the listen host, or this machine's
         * address when listening on all interfaces.
         */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        public Builder cluster(String cluster) {
            this.cluster = cluster;
            return this;
        }

        public Builder labels(List<String> labels) {
            this.labels.addAll(labels);
            return this;
        }

        /** What the agent offers: CPU cores, memory bytes, most containers (0: not limited). */
        public Builder capacity(double cpu, long memoryBytes, int maxContainers) {
            this.capacity = Capacity.newBuilder().setCpu(cpu).setMemoryBytes(memoryBytes)
                    .setMaxContainers(maxContainers).build();
            this.maxContainers = maxContainers;
            return this;
        }

        public Builder kind(ContainerKind kind) {
            String problem = Names.DEFAULT.kindProblem("kind name", kind.name());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (kinds.putIfAbsent(kind.name(), kind) != null) {
                throw new IllegalArgumentException("kind '" + kind.name() + "' is registered twice");
            }
            return this;
        }

        /**
         * Offers a stateless container: this agent creates a copy of {@code uuid} with the kind's factory at start-up
         * and offers it to the network; the copy is activated when the network picks this agent (the first offer
         * wins; the others stand by, and one of them is activated at once when the active copy's agent goes away).
         */
        public Builder stateless(String kind, String uuid, List<String> labels) {
            String problem = Names.first(Names.DEFAULT.kindProblem("stateless kind", kind), Names.DEFAULT.idProblem("stateless uuid", uuid),
                    Names.DEFAULT.labelsProblem("stateless labels", labels));
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            stateless.add(new StatelessSpec(kind, uuid, List.copyOf(labels)));
            return this;
        }

        /** Threads that run container code; default 4 per core, at least 8. */
        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        /** Container calls that may wait for a worker before new ones are refused; default 100000. */
        public Builder workerQueue(int workerQueue) {
            this.workerQueue = workerQueue;
            return this;
        }

        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Bytes that may wait on one direct stream for a slow reader (default 16 MiB); a reader further behind is
         * dropped with RESOURCE_EXHAUSTED.
         */
        public Builder maxQueuedBytesPerStream(long bytes) {
            this.maxQueuedBytesPerStream = bytes;
            return this;
        }

        /**
         * Bytes that may wait on all direct streams together for slow readers, and, separately, on the stream to
         * the network (default 128 MiB).
         */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** Calls one client connection may have open on the agent's port at once (default 10000). */
        public Builder maxStreamsPerConnection(int calls) {
            this.maxStreamsPerConnection = calls;
            return this;
        }

        /** How long a call to the agent's port may wait before sending its first message (default 10 s). */
        public Builder firstMessageTimeout(Duration timeout) {
            this.firstMessageTimeout = timeout;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public AgentRuntime build() {
            String problem = Names.first(Names.DEFAULT.idProblem("agent id", agentId),
                    Names.DEFAULT.optionalIdProblem("cluster", cluster), Names.DEFAULT.labelsProblem("agent labels", labels));
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            Objects.requireNonNull(network, "network");
            if (maxQueuedBytesPerStream < 1 || maxQueuedBytes < 1) {
                throw new IllegalArgumentException("queue budgets must be positive (per stream " + maxQueuedBytesPerStream
                        + ", total " + maxQueuedBytes + " bytes)");
            }
            if (workerThreads < 1 || workerQueue < 1) {
                throw new IllegalArgumentException("worker threads and worker queue must be at least 1");
            }
            for (StatelessSpec offer : stateless) {
                if (!kinds.containsKey(offer.kind())) {
                    throw new IllegalArgumentException("stateless container " + offer.uuid() + " is of kind '"
                            + offer.kind() + "', which this agent does not serve (it serves " + kinds.keySet() + ")");
                }
            }
            return new AgentRuntime(this);
        }

        String directAddress() {
            return directTransport != null ? directTransportName : host + ":" + port;
        }

        String advertisedHost() {
            if (!advertisedHost.isBlank()) {
                return advertisedHost;
            }
            if (!host.equals("0.0.0.0") && !host.equals("::")) {
                return host;
            }
            try {
                return InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                return "127.0.0.1";
            }
        }

        private static String defaultAgentId() {
            try {
                String name = InetAddress.getLocalHost().getHostName();
                return Names.DEFAULT.idProblem("agent id", name) == null ? name : "agent";
            } catch (UnknownHostException e) {
                return "agent";
            }
        }
    }
}
