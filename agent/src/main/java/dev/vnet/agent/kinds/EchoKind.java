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
        private final Activation activation;

        Echo(ContainerContext context) {
            this.context = context;
            this.activation = new Activation(context);
        }

        @Override
        public Payload request(Call call) {
            return switch (call.operation()) {
                case "whoami" -> Whoami.of(context, activation.epoch(), call);
                case "fail" -> throw new IllegalStateException(String.valueOf(call.json(Object.class)));
                default -> call.payload();
            };
        }

        @Override
        public void activate(long epoch) {
            activation.activated(epoch);
        }

        @Override
        public void standby() {
            activation.standby();
        }
    }

    /** What {@code whoami} answers: which copy of which container, on which agent, for which client. */
    static final class Whoami {
        private Whoami() {}

        /** @param epoch the activation this copy serves (a stateless copy's changes with each activation) */
        static Payload of(ContainerContext context, long epoch, Call call) {
            return Json.encode(Map.of("uuid", context.uuid(), "kind", context.kind(), "agent", context.agentId(),
                    "epoch", epoch, "client", call.clientId()));
        }
    }
}
