package dev.vnet.agent;

import dev.vnet.agent.config.AgentConfig;
import dev.vnet.agent.metrics.AgentMetrics;
import dev.vnet.runtime.AgentRuntime;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.security.ClientTls;
import dev.vnet.server.PlaceholderSecrets;
import dev.vnet.server.SecurityConfig;
import dev.vnet.server.ServerSecurity;
import dev.vnet.runtime.ContainerKind;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.ServiceLoader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the embeddable {@link AgentRuntime} as a standalone process: finds the container kinds on the class path
 * ({@code META-INF/services/dev.vnet.runtime.ContainerKind}), starts the runtime with the configuration, and
 * stops it cleanly on shutdown.
 */
@Singleton
public class AgentLifecycle {

    private static final Logger LOG = Logger.getLogger(AgentLifecycle.class);

    private final AgentConfig config;
    private final SecurityConfig security;
    private final AgentMetrics metrics;
    /** Null when tracing is off. */
    private final OpenTelemetry openTelemetry;
    private final String version;
    private volatile AgentRuntime runtime;

    public AgentLifecycle(AgentConfig config, SecurityConfig security, AgentMetrics metrics, OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingDisabled,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.security = security;
        this.metrics = metrics;
        this.openTelemetry = tracingDisabled ? null : openTelemetry;
        this.version = version;
    }

    void start(@Observes StartupEvent startup) {
        AgentRuntime.Builder builder = AgentRuntime.builder()
                .network(config.network())
                .host(config.host())
                .port(config.port())
                .maxPayloadBytes(config.maxPayloadBytes())
                .maxQueuedBytesPerStream(config.maxQueuedBytesPerStream().asLongValue())
                .maxQueuedBytes(config.maxQueuedBytes().asLongValue())
                .maxStreamsPerConnection(config.maxStreamsPerConnection())
                .firstMessageTimeout(config.firstMessageTimeout())
                .capacity(config.capacity().cpu(), config.capacity().memory().asLongValue(),
                        config.capacity().maxContainers())
                .version(version);
        ServerSecurity serverSecurity = ServerSecurity.from(security, "the agent's gRPC port " + config.port());
        builder.authentication(serverSecurity.auth()).serverTls(serverSecurity.tls()).networkSecurity(networkSecurity())
                .openTelemetry(openTelemetry);
        config.id().ifPresent(builder::agentId);
        config.advertisedHost().ifPresent(builder::advertisedHost);
        config.cluster().ifPresent(builder::cluster);
        config.labels().ifPresent(builder::labels);
        config.workerThreads().ifPresent(builder::workerThreads);
        List<ContainerKind> kinds = discoverKinds();
        if (kinds.isEmpty()) {
            throw new IllegalStateException("no container kind to serve: vnet.agent.kinds=" + config.kinds()
                    .orElse(List.of()) + " matches none of those on the class path");
        }
        kinds.forEach(builder::kind);
        for (String offer : config.stateless().orElse(List.of())) {
            int colon = offer.indexOf(':');
            if (colon <= 0 || colon == offer.length() - 1) {
                throw new IllegalArgumentException("vnet.agent.stateless entry '" + offer
                        + "' is not KIND:UUID (e.g. echo:leader-1)");
            }
            builder.stateless(offer.substring(0, colon).trim(), offer.substring(colon + 1).trim(), List.of());
        }
        runtime = builder.build().start();
        metrics.watch(runtime);
    }

    /** How this agent reaches the network: TLS when asked for (or a CA is given), and its token. */
    private ChannelSecurity networkSecurity() {
        PlaceholderSecrets.refuse("vnet.agent.token", config.token());
        AgentConfig.NetworkTls tls = config.networkTls();
        ClientTls clientTls = null;
        if (tls.enabled() || tls.caFile().isPresent()) {
            clientTls = ClientTls.trusting(tls.caFile().orElse(null));
            if (tls.certificateFile().isPresent() || tls.privateKeyFile().isPresent()) {
                clientTls = clientTls.withCertificate(tls.certificateFile().orElse(null),
                        tls.privateKeyFile().orElse(null));
            }
        }
        if (security.enabled() && config.token().isEmpty()) {
            LOG.warn("this agent has no token (vnet.agent.token): a network with authentication on will refuse it");
        }
        return new ChannelSecurity(clientTls, config.token().orElse(null));
    }

    private List<ContainerKind> discoverKinds() {
        List<ContainerKind> all = ServiceLoader.load(ContainerKind.class).stream().map(ServiceLoader.Provider::get)
                .toList();
        List<String> wanted = config.kinds().orElse(List.of());
        for (String kind : wanted) {
            if (all.stream().noneMatch(k -> k.name().equals(kind))) {
                LOG.warnf("vnet.agent.kinds names '%s', which no kind on the class path provides (available: %s)",
                        kind, all.stream().map(ContainerKind::name).toList());
            }
        }
        return wanted.isEmpty() ? all : all.stream().filter(k -> wanted.contains(k.name())).toList();
    }

    /** SIGTERM: the network moves this agent's containers away first (within the drain timeout), then it stops. */
    void stop(@Observes ShutdownEvent shutdown) {
        AgentRuntime running = runtime;
        if (running != null) {
            running.close(config.drainTimeout(), config.shutdownGrace());
        }
    }

    /** The running agent, or null before start-up finished. */
    public AgentRuntime runtime() {
        return runtime;
    }
}
