package dev.vnet.network.tracing;

import dev.vnet.network.grpc.RoutedCalls;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tracing of routed requests with the OpenTelemetry that Quarkus configures ({@code quarkus.otel.*}): off unless
 * {@code quarkus.otel.sdk.disabled=false}, exported over OTLP to {@code quarkus.otel.exporter.otlp.endpoint}.
 */
@Singleton
public class NetworkTracing {

    private final Optional<RoutedCalls> routedCalls;

    public NetworkTracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        this.routedCalls = disabled ? Optional.empty()
                : Optional.of(new RoutedCallTracing(openTelemetry.getTracer("dev.vnet.network")));
    }

    /** Spans for routed requests, when tracing is on. */
    public Optional<RoutedCalls> routedCalls() {
        return routedCalls;
    }
}
