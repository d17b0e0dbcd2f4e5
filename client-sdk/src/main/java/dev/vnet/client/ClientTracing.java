package dev.vnet.client;

import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.wire.TraceContexts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A client span around each call to a container, its context sent along in the request so that the network, the
 * agent and the container add theirs to the same trace. Costs nothing when the application configured no tracing.
 */
final class ClientTracing {

    private final Tracer tracer;

    /** @param openTelemetry null when the application does not trace */
    ClientTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("dev.vnet.client");
    }

    /** Runs {@code call} with {@code request}, inside a span named after {@code what} and the operation. */
    <T> CompletableFuture<T> traced(String what, ContainerRequest request,
            Function<ContainerRequest, CompletableFuture<T>> call) {
        if (tracer == null) {
            return call.apply(request);
        }
        Span span = tracer.spanBuilder("vnet." + what + " " + request.getOperation())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current())
                .setAttribute("vnet.container.uuid", request.getUuid())
                .startSpan();
        ContainerRequest traced = request.toBuilder()
                .putAllTraceContext(TraceContexts.of(Context.current().with(span))).build();
        CompletableFuture<T> result;
        try {
            result = call.apply(traced);
        } catch (RuntimeException refused) {
            span.setStatus(StatusCode.ERROR, refused.getMessage());
            span.end();
            throw refused;
        }
        return result.whenComplete((answer, failure) -> {
            if (failure != null) {
                VnetException error = VnetException.from(failure);
                span.setAttribute("rpc.grpc.status_code", error.code().value());
                span.setStatus(StatusCode.ERROR, error.getMessage());
            }
            span.end();
        });
    }
}
