package dev.vnet.agent.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.Json;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Payload;
import dev.vnet.runtime.Broadcaster;
import dev.vnet.runtime.Call;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The built-in kinds as plain objects: no agent, no network. */
class KindsTest {

    @Test
    void theAgentFindsAllThreeKindsOnItsClassPath() {
        assertThat(ServiceLoader.load(ContainerKind.class).stream().map(p -> p.get().name()))
                .containsExactlyInAnyOrder("echo", "kv", "chat");
    }

    @Test
    void echoAnswersWithThePayloadAndSaysWhereItRuns() throws Exception {
        Container echo = new EchoKind().create(context("e1", null));

        assertThat((Object) Json.decode(echo.request(call("anything", List.of(1, 2))), List.class)).isEqualTo(List.of(1, 2));
        assertThat(answer(echo, "whoami", null))
                .containsEntry("uuid", "e1").containsEntry("agent", "agent-x").containsEntry("client", "client-1");
        assertThatThrownBy(() -> echo.request(call("fail", "as asked"))).hasMessageContaining("as asked");
    }

    @Test
    void whoamiInAnActivatedStatelessCopyReportsTheActivationsEpoch() throws Exception {
        for (ContainerKind kind : List.<ContainerKind>of(new EchoKind(), new KvKind())) {
            Container copy = kind.create(new ContainerContext("s1", kind.name(), ContainerType.CONTAINER_TYPE_STATELESS,
                    List.of(), Payload.getDefaultInstance(), 0, "agent-x", (u, e, r) -> { }));

            copy.activate(7L << 32 | 3);
            assertThat(answer(copy, "whoami", null)).as(kind.name()).containsEntry("epoch", 7L << 32 | 3);
            copy.standby();
            assertThat(answer(copy, "whoami", null)).as(kind.name()).containsEntry("epoch", 0);
        }
    }

    @Test
    void kvStoresKeysStartingFromItsSeed() throws Exception {
        Container kv = new KvKind().create(context("k1", Map.of("data", Map.of("seeded", "yes"))));

        assertThat(answer(kv, "get", Map.of("key", "seeded"))).containsEntry("value", "yes");
        assertThat(answer(kv, "put", Map.of("key", "a", "value", 1))).containsEntry("previous", null);
        assertThat(answer(kv, "put", Map.of("key", "a", "value", 2))).containsEntry("previous", 1);
        assertThat(answer(kv, "list", null)).containsEntry("keys", List.of("a", "seeded"));
        assertThat(answer(kv, "delete", Map.of("key", "a"))).containsEntry("deleted", true);
        assertThat(answer(kv, "get", Map.of("key", "a"))).containsEntry("value", null);
        assertThatThrownBy(() -> kv.request(call("get", Map.of()))).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> kv.request(call("increment", null))).hasMessageContaining("no operation");
    }

    @Test
    void chatBroadcastsToEveryMemberAndKeepsHistory() throws Exception {
        Container room = new ChatKind().create(context("room", null));
        RecordingBroadcaster alice = new RecordingBroadcaster("alice");
        RecordingBroadcaster bob = new RecordingBroadcaster("bob");
        room.connect("alice", alice);
        room.connect("bob", bob);

        assertThat(answer(room, "post", Map.of("text", "hi"))).containsEntry("delivered", 2).containsEntry("seq", 1);
        room.disconnect("bob");
        assertThat(answer(room, "post", Map.of("text", "still here?"))).containsEntry("delivered", 1);

        assertThat(alice.received).extracting(p -> Json.decode(p, Map.class).get("type"))
                .containsExactly("welcome", "message", "message");
        assertThat(bob.received).extracting(p -> Json.decode(p, Map.class).get("text")).contains("hi")
                .doesNotContain("still here?");
        assertThat((List<?>) answer(room, "history", null).get("messages")).hasSize(2);
        assertThat(answer(room, "members", null)).containsEntry("members", List.of("m1"));
    }

    @Test
    void chatNamesMembersByIdsOfTheRoomNeverByTheirClientIds() throws Exception {
        Container room = new ChatKind().create(context("room", null));
        RecordingBroadcaster alice = new RecordingBroadcaster("session-of-alice");
        room.connect("session-of-alice", alice);
        Map<String, Object> posted = answer(room, "post", Map.of("text", "hi"));

        String everything = alice.received.stream().map(p -> p.getData().toStringUtf8())
                .reduce("", String::concat) + Json.decode(room.request(call("members", null)), Map.class)
                + Json.decode(room.request(call("history", null)), Map.class) + posted;
        assertThat(everything).doesNotContain("session-of-alice").doesNotContain("client-1");
        assertThat(Json.decode(alice.received.get(0), Map.class)).containsEntry("you", "m1");
        assertThat(posted).containsEntry("you", "m2");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> answer(Container container, String operation, Object data) throws Exception {
        return Json.decode(container.request(call(operation, data)), Map.class);
    }

    private static Call call(String operation, Object data) {
        return new Call("u", operation, Json.encode(data), "client-1", false);
    }

    private static ContainerContext context(String uuid, Object spec) {
        return new ContainerContext(uuid, "k", ContainerType.CONTAINER_TYPE_STANDARD, List.of(), Json.encode(spec), 1,
                "agent-x", (u, e, r) -> { });
    }

    private static final class RecordingBroadcaster implements Broadcaster {
        final String clientId;
        final List<Payload> received = new ArrayList<>();

        RecordingBroadcaster(String clientId) {
            this.clientId = clientId;
        }

        @Override
        public String clientId() {
            return clientId;
        }

        @Override
        public boolean send(Payload payload) {
            received.add(payload);
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
