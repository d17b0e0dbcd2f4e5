package dev.vnet.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * JSON payloads, vnet's default encoding: turns values into {@code Payload}s and back with Jackson.
 *
 * <p>A payload with an empty content type is JSON. {@code null} encodes as an empty payload and an empty payload
 * decodes as {@code null}, so operations without data cost nothing on the wire.
 */
public final class Json {

    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private static final Payload EMPTY = Payload.getDefaultInstance();

    private Json() {}

    public static Payload encode(Object value) {
        if (value == null) {
            return EMPTY;
        }
        if (value instanceof Payload p) {
            return p;
        }
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(value);
            return Payload.newBuilder().setData(UnsafeByteOperations.unsafeWrap(bytes)).build();
        } catch (IOException e) {
            throw new VnetException(Status.Code.INVALID_ARGUMENT,
                    "cannot encode " + value.getClass().getName() + " as JSON: " + e.getMessage());
        }
    }

    /** Loads and initialises the JSON machinery now, so that the first call that needs it does not pay for it. */
    public static void warmUp() {
        decode(encode(Map.of("warm", List.of(1, 2.5, "up", true))), Map.class);
    }

    /** Decodes a JSON payload into {@code type}; {@code Payload.class} gets the payload itself. */
    public static <T> T decode(Payload payload, Class<T> type) {
        if (type == Payload.class) {
            return type.cast(payload);
        }
        ByteString data = payload.getData();
        if (data.isEmpty()) {
            return null;
        }
        String contentType = payload.getContentType();
        if (!contentType.isEmpty() && !contentType.startsWith(CONTENT_TYPE)) {
            throw new VnetException(Status.Code.INVALID_ARGUMENT,
                    "payload is " + contentType + ", not JSON: decode it as Payload.class instead");
        }
        try {
            return MAPPER.readValue(data.newInput(), type);
        } catch (IOException e) {
            throw new VnetException(Status.Code.INVALID_ARGUMENT,
                    "payload is not valid JSON for " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Decodes into a tree, for code that inspects fields without a class. */
    public static JsonNode tree(Payload payload) {
        JsonNode node = decode(payload, JsonNode.class);
        return node == null ? MAPPER.nullNode() : node;
    }

    /** Parses JSON text (e.g. from a command line) into a payload, checking that it is valid JSON. */
    public static Payload parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        try {
            return encode(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw new VnetException(Status.Code.INVALID_ARGUMENT, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Renders a payload for people: JSON as text, anything else as its size and type. */
    public static String render(Payload payload) {
        String contentType = payload.getContentType();
        if (contentType.isEmpty() || contentType.startsWith(CONTENT_TYPE)) {
            return payload.getData().isEmpty() ? "null" : payload.getData().toStringUtf8();
        }
        return "<" + payload.getData().size() + " bytes of " + contentType + ">";
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
