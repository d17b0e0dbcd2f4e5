package dev.vnet.agent.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the standalone agent, under {@code vnet.agent} (environment: {@code VNET_AGENT_*}).
 * docs/CONFIGURATION.md lists every key with its default.
 */
@ConfigMapping(prefix = "vnet.agent")
public interface AgentConfig {

    /** The agent's id, its role name, stable across restarts. Default: this host's name. */
    Optional<String> id();

    /** The network's gRPC endpoints, host:port, comma-separated; the agent tries them in turn. */
    @WithDefault("127.0.0.1:3737")
    String network();

    /** Interface the agent's own gRPC server (direct requests) listens on. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port of the agent's own gRPC server; 0 picks a free one. */
    @WithDefault("3738")
    int port();

    /**
     * Host clients use to reach this agent directly (e.g. the pod IP). Default: the listen host, or this machine's
     * address when listening on all interfaces.
     */
    Optional<String> advertisedHost();

    /** Failure domain (zone, rack) this agent belongs to; migrations prefer staying in one. */
    Optional<String> cluster();

    /** Labels of this agent. */
    Optional<List<String>> labels();

    /** Only these kinds from the class path are served; all when not set. */
    Optional<List<String>> kinds();

    /**
     * Stateless containers this agent offers, as KIND:UUID (several, comma-separated), e.g. {@code echo:leader-1}.
     * The first agent the network accepts for a uuid runs it; the others stand by and take over at once.
     */
    Optional<List<String>> stateless();

    /** On shutdown (SIGTERM), how long the network may take to move this agent's containers away first. */
    @WithDefault("30s")
    Duration drainTimeout();

    /** Capacity declared to the network; 0 means not limited. */
    Capacity capacity();

    /**
     * The bearer token this agent registers with; it needs the permission agent:register, and this agent's id among
     * the agent ids the token names ({@code vnet.security.tokens.<name>.agent-ids}, or a JWT's vnet_agent_ids).
     */
    Optional<String> token();

    /** TLS to the network. */
    NetworkTls networkTls();

    interface NetworkTls {
        /** Use TLS to the network, trusting the system's CAs unless a CA file is given. On when a CA file is set. */
        @WithDefault("false")
        boolean enabled();

        /** PEM CA certificate(s) the network's certificate is checked against. */
        Optional<Path> caFile();

        /** PEM certificate chain this agent presents, for mutual TLS. */
        Optional<Path> certificateFile();

        /** PEM (PKCS#8) private key of that certificate. */
        Optional<Path> privateKeyFile();
    }

    /** Threads that run container code. Default: 4 per core, at least 8. */
    Optional<Integer> workerThreads();

    /** Largest payload accepted, in bytes. */
    @WithDefault("4194304")
    int maxPayloadBytes();

    /**
     * Bytes that may wait on one direct stream (Connect, Calls) for a slow reader; a reader further behind is
     * dropped with RESOURCE_EXHAUSTED.
     */
    @WithDefault("16M")
    MemorySize maxQueuedBytesPerStream();

    /**
     * Bytes that may wait on all direct streams together; the stream whose message would pass it is dropped with
     * RESOURCE_EXHAUSTED. The stream to the network has a budget of this size of its own.
     */
    @WithDefault("128M")
    MemorySize maxQueuedBytes();

    /** Calls (streams included) one client connection may have open on the agent's port at once. */
    @WithDefault("10000")
    int maxStreamsPerConnection();

    /** How long a call to the agent's port may wait before sending its first message. */
    @WithDefault("10s")
    Duration firstMessageTimeout();

    /** How long shutdown waits for calls in flight. */
    @WithDefault("5s")
    Duration shutdownGrace();

    interface Capacity {
        /** CPU cores offered to containers. */
        @WithDefault("0")
        double cpu();

        /** Memory offered to containers, e.g. 512M or 4G. */
        @WithDefault("0")
        MemorySize memory();

        /** Most containers this agent runs at once. */
        @WithDefault("0")
        int maxContainers();
    }
}
