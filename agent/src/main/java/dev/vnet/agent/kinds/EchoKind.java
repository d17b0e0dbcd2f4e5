package dev.vnet.agent.kinds;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.Payload;
import dev.vnet.runtime.Call;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import dev.vnet.runtime.Threading;
import java.util.Map;

/**
 * {@code echo}: answers every call with its own payload. Two operations are special, for trying vnet out and for
 * tests: {@code whoami} answers where the container runs, {@code fail} throws with the payload's text as message.
 * It never blocks, so it runs inline on the transport thread: the fastest container there is.
 */
public final class EchoKind implements ContainerKind {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Threading threading() {
        return Threading.INLINE;
    }

    @Override
    public Container create(ContainerContext context) {
        return new Echo(context);
    }

    private static final class Echo implements Container {
        private final ContainerContext context;

        Echo(ContainerContext context) {
            this.context = context;
        }

        @Override
        public Payload request(Call call) {
            return switch (call.operation()) {
                case "whoami" -> Whoami.of(context, call);
                case "fail" -> throw new IllegalStateException(String.valueOf(call.json(Object.class)));
                default -> call.payload();
            };
        }
    }

    /** What {@code whoami} answers: which copy of which container, on which agent, for which client. */
    static final class Whoami {
        private Whoami() {}

        static Payload of(ContainerContext context, Call call) {
            return Json.encode(Map.of("uuid", context.uuid(), "kind", context.kind(), "agent", context.agentId(),
                    "epoch", context.epoch(), "client", call.clientId()));
        }
    }
}
