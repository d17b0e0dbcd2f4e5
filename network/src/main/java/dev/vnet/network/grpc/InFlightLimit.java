package dev.vnet.network.grpc;

import dev.vnet.network.routing.ReplySink;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.Error;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the routed requests each client has in flight and refuses one over the limit at once: a client that
 * floods the network gets RESOURCE_EXHAUSTED, not a queue that grows until everything times out. Off (no cost on
 * the routed path) when the limit is 0.
 */
final class InFlightLimit {

    private final int max;
    private final String who;
    private final String setting;
    private final Map<Object, Integer> counts = new ConcurrentHashMap<>();

    InFlightLimit(int max) {
        this(max, "this client", "vnet.network.limits.max-in-flight-per-client");
    }

    /**
     * @param who what the counted ones are, for the refusal ("this client")
     * @param setting the key that sets {@code max}
     */
    InFlightLimit(int max, String who, String setting) {
        this.max = max;
        this.who = who;
        this.setting = setting;
    }

    /**
     * Takes a slot for {@code client}.
     *
     * @return whether the request may go; if it may, {@link #release} must follow exactly once
     */
    boolean tryAcquire(Object client) {
        if (max == 0) {
            return true;
        }
        boolean[] taken = {false};
        counts.compute(client, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= max) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    void release(Object client) {
        if (max != 0) {
            counts.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    /** {@code sink}, giving the slot back when the request is answered, whichever way. */
    ReplySink releasingOnAnswer(Object client, ReplySink sink) {
        if (max == 0) {
            return sink;
        }
        AtomicBoolean answered = new AtomicBoolean();
        return new ReplySink() {
            @Override
            public void reply(ContainerReply reply) {
                if (answered.compareAndSet(false, true)) {
                    release(client);
                }
                sink.reply(reply);
            }

            @Override
            public void fail(Error error) {
                if (answered.compareAndSet(false, true)) {
                    release(client);
                }
                sink.fail(error);
            }
        };
    }

    String refusal() {
        return who + " has " + max + " requests in flight, the limit (" + setting + "): wait for answers before "
                + "sending more";
    }
}
