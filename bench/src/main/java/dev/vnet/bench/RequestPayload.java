package dev.vnet.bench;

import com.google.protobuf.ByteString;
import dev.vnet.client.Json;
import dev.vnet.proto.v1.Payload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the request scenarios send ({@code --payload} bytes, {@code --payload-format}): opaque bytes, or a JSON
 * document of exactly that size, so that a comparison with a peer that speaks JSON sends what it sends.
 */
final class RequestPayload {

    /** How the payload is encoded. */
    enum Format {
        /** Zero bytes, content type application/octet-stream: what vnet itself costs, without any encoding. */
        bytes,
        /** A realistic JSON object (an order with a customer and items) padded to the size, application/json. */
        json
    }

    private RequestPayload() {}

    static Payload of(Format format, int size) {
        return switch (format) {
            case bytes -> Payload.newBuilder().setData(ByteString.copyFrom(new byte[size]))
                    .setContentType("application/octet-stream").build();
            case json -> json(size);
        };
    }

    /** The smallest JSON payload: the document with an empty padding field. */
    static int smallestJson() {
        return Json.encode(document("")).getData().size();
    }

    /**
     * A JSON document of exactly {@code size} bytes, encoded by the SDK's {@link Json} as clients encode theirs. Its
     * {@code note} field pads it: ASCII letters, which JSON does not escape, so each adds one byte.
     */
    private static Payload json(int size) {
        int smallest = smallestJson();
        if (size < smallest) {
            throw new UsageError("--payload-format json sends a document of at least " + smallest + " bytes: give "
                    + "--payload " + smallest + " or more");
        }
        Payload payload = Json.encode(document("x".repeat(size - smallest)));
        return payload.toBuilder().setContentType(Json.CONTENT_TYPE).build();
    }

    private static Map<String, Object> document(String note) {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", 48213);
        customer.put("name", "Ada Lovelace");
        customer.put("email", "ada@example.com");
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", "5f0c6b1e-9a7d-4c2e-8e55-1d3b7f2a9c40");
        order.put("status", "paid");
        order.put("createdAt", "2026-12-02T14:00:00Z");
        order.put("customer", customer);
        order.put("items", List.of(Map.of("sku", "A-1001", "quantity", 2), Map.of("sku", "B-2002", "quantity", 1)));
        order.put("total", 51.97);
        order.put("note", note);
        return order;
    }
}
