package dev.vnet.agent.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vnet.client.Json;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.Payload;
import dev.vnet.runtime.Call;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kv}: a key-value store in memory. Operations (JSON in, JSON out):
 * <ul>
 *   <li>{@code put {"key": k, "value": v}} answers {@code {"previous": old}}</li>
 *   <li>{@code get {"key": k}} answers {@code {"value": v}} (null when absent)</li>
 *   <li>{@code delete {"key": k}} answers {@code {"deleted": true|false}}</li>
 *   <li>{@code list} answers {@code {"keys": [...]}} in key order</li>
 *   <li>{@code whoami}, as for echo</li>
 * </ul>
 * A spec {@code {"data": {k: v, ...}}} seeds the store when the container is created: an {@code ha} kv container
 * re-created elsewhere starts from its seed data again. Calls run one at a time, so the map needs no locks.
 */
public final class KvKind implements ContainerKind {

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Container create(ContainerContext context) {
        Map<String, JsonNode> data = new TreeMap<>();
        JsonNode spec = Json.tree(context.spec());
        spec.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue()));
        return new Kv(context, data);
    }

    private static final class Kv implements Container {
        private final ContainerContext context;
        private final Map<String, JsonNode> data;
        private final Activation activation;

        Kv(ContainerContext context, Map<String, JsonNode> data) {
            this.context = context;
            this.data = data;
            this.activation = new Activation(context);
        }

        @Override
        public void activate(long epoch) {
            activation.activated(epoch);
        }

        @Override
        public void standby() {
            activation.standby();
        }

        @Override
        public Payload request(Call call) {
            Map<String, Object> answer = new LinkedHashMap<>();
            switch (call.operation()) {
                case "put" -> answer.put("previous", data.put(key(call), Json.tree(call.payload()).path("value")));
                case "get" -> answer.put("value", data.get(key(call)));
                case "delete" -> answer.put("deleted", data.remove(key(call)) != null);
                case "list" -> answer.put("keys", data.keySet());
                case "whoami" -> {
                    return EchoKind.Whoami.of(context, activation.epoch(), call);
                }
                default -> throw new VnetException(Status.Code.INVALID_ARGUMENT, "kv has no operation '"
                        + call.operation() + "'; use put, get, delete or list");
            }
            return Json.encode(answer);
        }

        private static String key(Call call) {
            JsonNode key = Json.tree(call.payload()).path("key");
            if (!key.isTextual() || key.asText().isEmpty()) {
                throw new VnetException(Status.Code.INVALID_ARGUMENT, "'" + call.operation()
                        + "' needs a payload like {\"key\": \"name\"}");
            }
            return key.asText();
        }
    }
}
