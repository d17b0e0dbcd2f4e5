package dev.vnet.network.tracing;

import dev.vnet.network.grpc.RoutedCalls;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.wire.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * The coordinator's span of a routed request: a child of the caller's span (from the request's trace context),
 * ended when the answer goes back; its own context travels on to the agent. Requests that arrive without trace
 * context are not traced here: the caller decides.
 */
final class RoutedCallTracing implements RoutedCalls {

    private final Tracer tracer;

    RoutedCallTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Watch arrived(ContainerRequest request) {
        if (request.getTraceContextCount() == 0) {
            return Watch.NONE;
        }
        Span span = tracer.spanBuilder("vnet.route " + request.getOperation())
                .setSpanKind(SpanKind.SERVER)
                .setParent(TraceContexts.from(request.getTraceContextMap()))
                .setAttribute("vnet.container.uuid", request.getUuid())
                .startSpan();
        Map<String, String> onward = TraceContexts.of(Context.root().with(span));
        return new Watch() {
            @Override
            public Map<String, String> context() {
                return onward;
            }

            @Override
            public void answered(int code) {
                if (code != 0) {
                    span.setAttribute("rpc.grpc.status_code", code);
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
        };
    }
}
