package dev.vnet.agent.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vnet.client.Json;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.Payload;
import dev.vnet.runtime.Broadcaster;
import dev.vnet.runtime.Call;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chat}: a room that broadcasts each message to every connected client. Operations:
 * <ul>
 *   <li>{@code post {"text": t}} broadcasts {@code {"type":"message","from":memberId,"text":t,"seq":n}} and
 *       answers {@code {"seq": n, "delivered": clients, "you": memberId}}</li>
 *   <li>{@code history} answers {@code {"messages": [...]}}, the last 100</li>
 *   <li>{@code members} answers {@code {"members": [memberId...]}}, the connected ones</li>
 * </ul>
 * A client that connects is greeted with {@code {"type":"welcome","members":n,"you":memberId}}.
 *
 * <p>Members are named by ids this room makes ({@code m1}, {@code m2}...), meaningless outside it: a client's id
 * (its session id) is what the network knows it by, and handing it to other clients would let them act as it.
 */
public final class ChatKind implements ContainerKind {

    private static final int HISTORY = 100;
    /** Member ids kept for clients that post without being connected. */
    private static final int POSTERS = 1000;

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Container create(ContainerContext context) {
        return new Room();
    }

    private static final class Room implements Container {
        private final Map<String, Broadcaster> members = new LinkedHashMap<>();
        /** Client id -> member id; connected members, and the latest posters (at most {@link #POSTERS} others). */
        private final Map<String, String> memberIds = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > members.size() + POSTERS && !members.containsKey(eldest.getKey());
            }
        };
        private long lastMemberId;
        private final ArrayDeque<JsonNode> history = new ArrayDeque<>();
        private long seq;

        @Override
        public Payload request(Call call) {
            return switch (call.operation()) {
                case "post" -> post(call);
                case "history" -> Json.encode(Map.of("messages", List.copyOf(history)));
                case "members" -> Json.encode(Map.of("members",
                        members.keySet().stream().map(this::memberId).toList()));
                default -> throw new VnetException(Status.Code.INVALID_ARGUMENT, "chat has no operation '"
                        + call.operation() + "'; use post, history or members");
            };
        }

        private Payload post(Call call) {
            JsonNode text = Json.tree(call.payload()).path("text");
            if (!text.isTextual()) {
                throw new VnetException(Status.Code.INVALID_ARGUMENT, "post needs a payload like {\"text\": \"hi\"}");
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("type", "message");
            String from = memberId(call.clientId());
            message.put("from", from);
            message.put("text", text.asText());
            message.put("seq", ++seq);
            Payload encoded = Json.encode(message);
            int delivered = 0;
            for (Broadcaster member : members.values()) {
                if (member.send(encoded)) {
                    delivered++;
                }
            }
            history.addLast(Json.tree(encoded));
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            return Json.encode(Map.of("seq", seq, "delivered", delivered, "you", from));
        }

        /** The id this room knows a client by, made on first sight. */
        private String memberId(String clientId) {
            return memberIds.computeIfAbsent(clientId, unknown -> "m" + ++lastMemberId);
        }

        @Override
        public void connect(String clientId, Broadcaster broadcaster) {
            members.put(clientId, broadcaster);
            broadcaster.sendJson(Map.of("type", "welcome", "members", members.size(), "you", memberId(clientId)));
        }

        @Override
        public void disconnect(String clientId) {
            members.remove(clientId);
        }
    }
}
