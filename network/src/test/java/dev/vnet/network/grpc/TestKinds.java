package dev.vnet.network.grpc;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.Payload;
import dev.vnet.runtime.Broadcaster;
import dev.vnet.runtime.Call;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import dev.vnet.runtime.Threading;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Container kinds for driving the coordinator in tests. */
public final class TestKinds {

    private TestKinds() {}

    /** {@code echo}: answers with the payload; {@code whoami} says where it runs; {@code fail} throws. */
    public static ContainerKind echo() {
        return kind("echo", Threading.INLINE, context -> call -> switch (call.operation()) {
            case "whoami" -> Json.encode(Map.of("agent", context.agentId(), "epoch", context.epoch(),
                    "client", call.clientId()));
            case "fail" -> throw new IllegalArgumentException("failed on purpose");
            default -> call.payload();
        });
    }

    /** {@code slow}: sleeps for the payload's milliseconds, then answers "done". */
    public static ContainerKind slow() {
        return kind("slow", Threading.CONCURRENT, context -> call -> {
            Thread.sleep(call.json(Long.class));
            return Json.encode("done");
        });
    }

    /** {@code room}: {@code post} broadcasts the payload to every connected client. */
    public static ContainerKind room() {
        return new ContainerKind() {
            @Override
            public String name() {
                return "room";
            }

            @Override
            public Container create(ContainerContext context) {
                Map<String, Broadcaster> members = new ConcurrentHashMap<>();
                return new Container() {
                    @Override
                    public Payload request(Call call) {
                        members.values().forEach(member -> member.send(call.payload()));
                        return Json.encode(members.size());
                    }

                    @Override
                    public void connect(String clientId, Broadcaster broadcaster) {
                        members.put(clientId, broadcaster);
                        broadcaster.sendJson("welcome " + clientId);
                    }

                    @Override
                    public void disconnect(String clientId) {
                        members.remove(clientId);
                    }
                };
            }
        };
    }

    /** {@code broken}: its factory always throws. */
    public static ContainerKind broken() {
        return kind("broken", Threading.SERIAL, context -> {
            throw new IllegalStateException("cannot start a broken container");
        });
    }

    private interface Factory {
        Handler create(ContainerContext context) throws Exception;
    }

    private interface Handler {
        Payload handle(Call call) throws Exception;
    }

    private static ContainerKind kind(String name, Threading threading, Factory factory) {
        return new ContainerKind() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Threading threading() {
                return threading;
            }

            @Override
            public Container create(ContainerContext context) throws Exception {
                Handler handler = factory.create(context);
                return handler::handle;
            }
        };
    }
}
