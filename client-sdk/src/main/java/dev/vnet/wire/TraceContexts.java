package dev.vnet.wire;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;

/**
 * Carries trace context inside vnet's messages ({@code trace_context} maps, W3C {@code traceparent}): routed calls
 * ride long-lived streams, so gRPC metadata, which is per stream, cannot carry it per call.
 */
public final class TraceContexts {

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContexts() {}

    /** The trace context of {@code context} (its current span) as message fields; empty when it has none. */
    public static Map<String, String> of(Context context) {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(context, carrier, Map::put);
        return carrier;
    }

    /** The context a message's fields describe, to parent the receiver's span; the root context when empty. */
    public static Context from(Map<String, String> carrier) {
        return carrier.isEmpty() ? Context.root() : W3C.extract(Context.root(), carrier, GETTER);
    }
}
