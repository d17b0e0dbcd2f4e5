package dev.vnet.network.registry;

import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Unreferenced containers' idle timeouts, soonest first. Taking a reference (or a new timeout) bumps the
 * container's idle token, which voids its earlier entries here without searching for them.
 */
final class IdleTimeouts {

    private record Entry(long expiresAtMs, ContainerRecord container, long token) {}

    private final RegistryState state;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparingLong(Entry::expiresAtMs));

    IdleTimeouts(RegistryState state) {
        this.state = state;
    }

    /** Starts a container's idle timeout; returns when it will stop, or 0 when it does not stop when idle. */
    long start(ContainerRecord container) {
        if (container.type == ContainerType.CONTAINER_TYPE_STATELESS) {
            return 0;
        }
        container.idleToken++;
        long stopsAtMs = state.now() + state.settings.idleTimeoutMs(container.kind);
        queue.add(new Entry(stopsAtMs, container, container.idleToken));
        return stopsAtMs;
    }

    /** Hands {@code stop} each running, held, unmoving container whose idle timeout passed with no reference. */
    void expire(long now, Consumer<ContainerRecord> stop) {
        while (!queue.isEmpty() && queue.peek().expiresAtMs() <= now) {
            Entry entry = queue.poll();
            ContainerRecord container = entry.container();
            if (entry.token() == container.idleToken && container.unreferenced()
                    && state.containers.holds(container) && container.migration == null
                    && container.state == ContainerState.CONTAINER_STATE_RUNNING) {
                stop.accept(container);
            }
        }
    }
}
