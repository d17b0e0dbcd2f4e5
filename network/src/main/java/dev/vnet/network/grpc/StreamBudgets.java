package dev.vnet.network.grpc;

import dev.vnet.network.config.NetworkConfig;
import dev.vnet.wire.QueueBudget;
import dev.vnet.wire.SharedBytes;
import java.util.function.Consumer;

/**
 * The queue budgets of the coordinator's streams. Client streams (sessions, connections, watches) share one total
 * and drop a reader that falls behind; an agent's stream has a budget of its own, outside that total, so that
 * client load never crowds out an agent, and refuses only the routed call that does not fit.
 */
public final class StreamBudgets {

    private static final String PREFIX = "vnet.network.limits.";

    private final SharedBytes clientTotal;
    private final QueueBudget client;
    private final QueueBudget agent;

    /** @param onDrop counts readers dropped, by the budget they passed */
    public StreamBudgets(NetworkConfig config, Consumer<String> onDrop) {
        NetworkConfig.Limits limits = config.limits();
        this.clientTotal = new SharedBytes(limits.maxQueuedBytes(), PREFIX + "max-queued-bytes");
        this.client = new QueueBudget(config.maxQueuedFrames(), limits.maxQueuedBytesPerStream(),
                PREFIX + "max-queued-bytes-per-stream", clientTotal, true, onDrop);
        this.agent = new QueueBudget(config.maxQueuedFrames(), limits.maxQueuedBytesPerAgent(),
                PREFIX + "max-queued-bytes-per-agent", null, false, onDrop);
    }

    QueueBudget client() {
        return client;
    }

    QueueBudget agent() {
        return agent;
    }

    /** Bytes that client streams queue now, for the metric. */
    public long clientBytesQueued() {
        return clientTotal.used();
    }
}
