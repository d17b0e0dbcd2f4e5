package dev.vnet.network.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the coordinator, under {@code vnet.network}. Every key can also be set as an environment
 * variable: {@code vnet.network.alive-timeout} is {@code VNET_NETWORK_ALIVE_TIMEOUT}. docs/CONFIGURATION.md lists
 * them all.
 */
@ConfigMapping(prefix = "vnet.network")
public interface NetworkConfig {

    /** Interface the gRPC server listens on. */
    @WithDefault("0.0.0.0")
    String host();

    /** gRPC port for clients and agents. */
    @WithDefault("3737")
    int port();

    /** This coordinator's name, recorded as the leader's holder. Default: the host name. */
    Optional<String> replicaId();

    /**
     * The host clients and agents use to reach this coordinator (recorded with the leadership). Default: the listen
     * host, or this machine's address when listening on all interfaces.
     */
    Optional<String> advertisedHost();

    /** How often agents send a heartbeat and clients ping; told to them when they connect. */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** An agent or a client session silent for this long is dead. */
    @WithDefault("3s")
    Duration aliveTimeout();

    /** How long an unreferenced standard container lives before it is stopped. */
    @WithDefault("60s")
    Duration idleTimeout();

    /** Idle timeout per kind, e.g. {@code vnet.network.idle-timeout-by-kind.chat=5m}; overrides idle-timeout. */
    Map<String, Duration> idleTimeoutByKind();

    /** How long an agent may take to start a container before the get fails. */
    @WithDefault("15s")
    Duration startTimeout();

    /**
     * After start-up, how long gets that would create a container wait, so that agents re-register the containers
     * they run first (a restarted coordinator must not start a second copy of a container that still runs).
     */
    @WithDefault("5s")
    Duration recoveryWindow();

    /**
     * How long the standard containers of an agent whose stream dropped are kept, with their references, for the
     * agent to re-register them (a blip); after it they are removed. Stateless and ha containers move at once.
     */
    @WithDefault("3s")
    Duration blipGrace();

    /** How many ha containers are re-created on other agents at once; more wait their turn. */
    @WithDefault("8")
    int maxConcurrentMigrations();

    /** How long a draining agent's standard containers may keep running, unless the drain names a deadline. */
    @WithDefault("60s")
    Duration drainTimeout();

    /** Bound of a routed request that states no timeout and no gRPC deadline. */
    @WithDefault("30s")
    Duration defaultRequestTimeout();

    /** Lease of a unary session opened without one. */
    @WithDefault("30s")
    Duration sessionLease();

    /** How often the registry applies the passing of time (silences, idle containers, deadlines). */
    @WithDefault("100ms")
    Duration tickInterval();

    /** Largest payload accepted in a request, a spec or a broadcast, in bytes. */
    @WithDefault("4194304")
    int maxPayloadBytes();

    /** Frames that may wait for a slow peer on one stream before that peer's calls are refused or it is cut off. */
    @WithDefault("65536")
    int maxQueuedFrames();

    /** How often the registry is sampled for metrics (agents, containers, references, sessions, heartbeat lag). */
    @WithDefault("2s")
    Duration metricsRefresh();

    /** How long shutdown waits for calls in flight before cancelling them. */
    @WithDefault("5s")
    Duration shutdownGrace();

    /** Leader election among coordinator replicas sharing one PostgreSQL. */
    Leader leader();

    /** What clients and agents may send and hold. */
    Limits limits();

    interface Limits {
        /** Longest identifier (container uuid, agent id, session id, cluster), in characters. */
        @WithDefault("128")
        int maxIdLength();

        /** Most labels on one container or agent. */
        @WithDefault("32")
        int maxLabels();

        /** Longest label, in characters. */
        @WithDefault("128")
        int maxLabelLength();

        /** Most containers one client session holds references to; 0 for no limit. */
        @WithDefault("10000")
        int maxContainersPerSession();

        /**
         * Most routed requests one client has in flight (per session stream, or per session id or connection for
         * unary calls); more are refused at once with RESOURCE_EXHAUSTED. 0 for no limit.
         */
        @WithDefault("0")
        int maxInFlightPerClient();

        /** Most sessions one principal (token name or JWT subject) has open at once; 0 for no limit. */
        @WithDefault("10000")
        int maxSessionsPerPrincipal();

        /**
         * Most containers one principal has created (with or without a session) that still exist; a get that would
         * create one more fails RESOURCE_EXHAUSTED. 0 for no limit.
         */
        @WithDefault("200000")
        int maxContainersPerPrincipal();

        /** Most routed requests and sends one principal has in flight, over all its sessions; 0 for no limit. */
        @WithDefault("4096")
        int maxInFlightPerPrincipal();

        /** Most agents registered at once; 0 for no limit. */
        @WithDefault("1000")
        int maxAgents();

        /**
         * Bytes that may wait on one client stream (session, connection, watch) for a reader slower than the
         * network writes; a reader further behind is dropped with RESOURCE_EXHAUSTED.
         */
        @WithDefault("16777216")
        long maxQueuedBytesPerStream();

        /**
         * Bytes that may wait on all client streams together; the stream whose message would pass it is dropped
         * with RESOURCE_EXHAUSTED. This bounds the memory that slow readers can make the coordinator hold.
         */
        @WithDefault("268435456")
        long maxQueuedBytes();

        /**
         * Bytes of routed calls that may wait on one agent's stream for the agent to read them; calls past it are
         * refused with RESOURCE_EXHAUSTED (the agent keeps its registration). Outside max-queued-bytes.
         */
        @WithDefault("67108864")
        long maxQueuedBytesPerAgent();

        /**
         * Calls (streams included) one client connection may have open at once; more are refused with
         * RESOURCE_EXHAUSTED. An SDK client multiplexes all its calls on one connection.
         */
        @WithDefault("10000")
        int maxStreamsPerConnection();

        /** How long a call may wait before sending its first message; then it ends with DEADLINE_EXCEEDED. */
        @WithDefault("10s")
        Duration firstMessageTimeout();
    }

    interface Leader {
        /** How often a standby tries to take the lock, and the leader checks and renews it. */
        @WithDefault("1s")
        Duration retryInterval();

        /**
         * A leader that has not renewed its lease (coordinator_leader.renewed_at, on the database's clock) for this
         * long is taken to be frozen: a standby ends its database session and takes over.
         */
        @WithDefault("5s")
        Duration lease();
    }
}
