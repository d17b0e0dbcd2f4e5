package dev.vnet.wire;

import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.Payload;
import java.util.Map;

/**
 * The bounds the contract sets on fields that both the network and an agent receive (see the {@code .proto}
 * comments), checked the same way on both ports. Each check answers null when the value is fine, else a message
 * that names the field and says what is allowed.
 */
public final class MessageBounds {

    public static final int MAX_CONTENT_TYPE_LENGTH = 128;
    public static final int MAX_TRACE_ENTRIES = 8;
    public static final int MAX_TRACE_KEY_LENGTH = 64;
    /** W3C Trace Context allows a {@code tracestate} of 512 characters. */
    public static final int MAX_TRACE_VALUE_LENGTH = 512;

    private MessageBounds() {}

    /**
     * A call to a container.
     *
     * @param payloadSetting the setting of {@code maxPayloadBytes}, named when the payload is larger
     */
    public static String request(Names names, ContainerRequest request, int maxPayloadBytes, String payloadSetting) {
        String problem = Names.first(
                names.idProblem("uuid", request.getUuid()),
                names.operationProblem("operation", request.getOperation()),
                names.optionalIdProblem("session_id", request.getSessionId()),
                payload("payload", request.getPayload(), maxPayloadBytes, payloadSetting),
                traceContext("trace_context", request.getTraceContextMap()));
        if (problem == null && request.getTimeoutMs() < 0) {
            return "timeout_ms is " + request.getTimeoutMs() + "; it must not be negative (0: the default)";
        }
        return problem;
    }

    public static String payload(String field, Payload payload, int maxPayloadBytes, String setting) {
        int size = payload.getData().size();
        if (size > maxPayloadBytes) {
            return field + " is " + size + " bytes; the limit is " + maxPayloadBytes + " (" + setting + ")";
        }
        if (payload.getContentType().length() > MAX_CONTENT_TYPE_LENGTH) {
            return field + ".content_type is " + payload.getContentType().length() + " characters long; the limit is "
                    + MAX_CONTENT_TYPE_LENGTH;
        }
        return null;
    }

    public static String traceContext(String field, Map<String, String> context) {
        if (context.size() > MAX_TRACE_ENTRIES) {
            return field + " has " + context.size() + " entries; the limit is " + MAX_TRACE_ENTRIES;
        }
        for (Map.Entry<String, String> entry : context.entrySet()) {
            if (entry.getKey().length() > MAX_TRACE_KEY_LENGTH) {
                return field + " has a key of " + entry.getKey().length() + " characters; the limit is "
                        + MAX_TRACE_KEY_LENGTH;
            }
            if (entry.getValue().length() > MAX_TRACE_VALUE_LENGTH) {
                return field + " '" + entry.getKey() + "' is " + entry.getValue().length()
                        + " characters long; the limit is " + MAX_TRACE_VALUE_LENGTH;
            }
        }
        return null;
    }

    /** CPU and memory amounts (resources asked for, capacity offered, load reported): finite, not negative. */
    public static String amounts(String field, double cpu, long memoryBytes) {
        if (!Double.isFinite(cpu) || cpu < 0) {
            return field + ".cpu is " + cpu + "; it must be a number of cores, not negative";
        }
        if (memoryBytes < 0) {
            return field + ".memory_bytes is " + memoryBytes + "; it must not be negative";
        }
        return null;
    }
}
