package dev.vnet.wire;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Calls sent on a multiplexed stream and not answered yet, keyed by call id, each with a deadline.
 *
 * <p>Whoever removes an entry owns its completion, so an answer, a deadline and a broken stream can race without
 * completing a call twice. Deadlines are enforced by {@link #expire}, called periodically by a sweeper: far cheaper
 * than a timer per call on the hot path, at the price of a few milliseconds of precision.
 *
 * @param <S> what completes a call: a future, a reply sink...
 */
public final class PendingCalls<S> {

    private record Entry<S>(S sink, long deadlineNanos) {}

    private final ConcurrentHashMap<Long, Entry<S>> calls = new ConcurrentHashMap<>();

    /** Registers a call under an id the caller chose (unique among its calls in flight). */
    public void put(long id, S sink, long deadlineNanos) {
        calls.put(id, new Entry<>(sink, deadlineNanos));
    }

    /** Takes the call with this id, or null when it was already answered, expired or failed. */
    public S take(long id) {
        Entry<S> entry = calls.remove(id);
        return entry == null ? null : entry.sink();
    }

    /** Takes and hands over every call whose deadline has passed. */
    public void expire(long nowNanos, Consumer<S> onExpired) {
        Iterator<Map.Entry<Long, Entry<S>>> it = calls.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Entry<S>> e = it.next();
            if (e.getValue().deadlineNanos() - nowNanos <= 0 && calls.remove(e.getKey(), e.getValue())) {
                onExpired.accept(e.getValue().sink());
            }
        }
    }

    /** Takes and hands over every call, e.g. when the stream they were sent on broke. */
    public void drain(Consumer<S> onEach) {
        for (Long id : calls.keySet()) {
            S sink = take(id);
            if (sink != null) {
                onEach.accept(sink);
            }
        }
    }

    public int size() {
        return calls.size();
    }
}
