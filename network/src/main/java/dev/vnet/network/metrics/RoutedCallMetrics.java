package dev.vnet.network.metrics;

import dev.vnet.network.grpc.RoutedCalls;
import dev.vnet.proto.v1.ContainerRequest;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code vnet_routed_requests_seconds}: every routed request, from its arrival at the coordinator to its answer,
 * by gRPC status. A few fixed buckets (50 µs to 10 s) keep the histogram small; each status gets its timer the
 * first time it occurs, and keeps it in an array, so the routed path does no lookup.
 */
final class RoutedCallMetrics implements RoutedCalls {

    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Timer> byCode = new AtomicReferenceArray<>(Status.Code.values().length);

    RoutedCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private Timer timer(int code) {
        int index = code >= 0 && code < byCode.length() ? code : Status.Code.UNKNOWN.value();
        Timer timer = byCode.get(index);
        if (timer == null) {
            // Registering twice returns the same meter: a race here costs nothing.
            timer = Timer.builder("vnet.routed.requests")
                    .description("Routed requests, from their arrival at the coordinator to their answer")
                    .tag("status", Status.fromCodeValue(index).getCode().name())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            byCode.set(index, timer);
        }
        return timer;
    }

    @Override
    public Watch arrived(ContainerRequest request) {
        long start = System.nanoTime();
        return new Watch() {
            @Override
            public void answered(int code) {
                timer(code).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }
}
