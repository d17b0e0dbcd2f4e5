package dev.vnet.runtime;

import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.wire.TraceContexts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Spans for calls that arrive at this agent with a caller's trace context: one for the agent's handling of the
 * call, and inside it one for the container's code, current while it runs (so spans the container makes nest
 * under it). Calls without trace context, and every call when tracing is off, cost nothing.
 */
final class CallTracing {

    static final CallTracing OFF = new CallTracing(null);

    private final Tracer tracer;

    /** @param openTelemetry null when the agent does not trace */
    CallTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("dev.vnet.agent");
    }

    /**
     * @param via how the call came: "routed" (through the network) or "direct"
     * @return the call's spans, or null when it is not traced
     */
    Traced start(Call call, Map<String, String> carrier, String via) {
        if (tracer == null || carrier.isEmpty()) {
            return null;
        }
        Span span = tracer.spanBuilder("vnet.agent " + call.operation())
                .setSpanKind(SpanKind.SERVER)
                .setParent(TraceContexts.from(carrier))
                .setAttribute("vnet.container.uuid", call.uuid())
                .setAttribute("vnet.call.via", via)
                .startSpan();
        return new Traced(tracer, span);
    }

    /** The spans of one call. */
    record Traced(Tracer tracer, Span agentSpan) {

        /** {@code reply}, ending the agent's span with the call's outcome. */
        ReplyTo ending(ReplyTo reply) {
            return new ReplyTo() {
                @Override
                public void ok(Payload payload, long epoch) {
                    agentSpan.end();
                    reply.ok(payload, epoch);
                }

                @Override
                public void fail(Error error) {
                    agentSpan.setAttribute("rpc.grpc.status_code", error.getCode());
                    agentSpan.setStatus(StatusCode.ERROR, error.getMessage());
                    agentSpan.end();
                    reply.fail(error);
                }
            };
        }

        /** Runs the container's code inside its own span, current while it runs. */
        Payload inContainer(String kind, Call call, Callable<Payload> code) throws Exception {
            Span span = tracer.spanBuilder("vnet.container " + kind + "." + call.operation())
                    .setSpanKind(SpanKind.INTERNAL)
                    .setParent(Context.root().with(agentSpan))
                    .startSpan();
            try (Scope scope = span.makeCurrent()) {
                return code.call();
            } catch (Exception failure) {
                failed(span, failure);
                throw failure;
            } catch (java.lang.Error failure) {
                failed(span, failure);
                throw failure;
            } finally {
                span.end();
            }
        }

        private static void failed(Span span, Throwable failure) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
    }
}
