package dev.vnet.network.events;

import dev.vnet.network.registry.EventSink;
import dev.vnet.proto.v1.Event;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans every registry event out to the watchers, at once (no batching). Runs on the registry thread, like the
 * registry that feeds it, so adding a watcher after sending it a snapshot leaves no gap and no duplicate.
 */
public final class EventHub implements EventSink {

    /** One subscriber of events. */
    public interface Watcher {
        /** Takes one event without blocking; false when the watcher is gone and should be dropped. */
        boolean offer(Event event);
    }

    private final List<Watcher> watchers = new ArrayList<>();
    private final List<EventSink> observers = new CopyOnWriteArrayList<>();

    @Override
    public void publish(Event event) {
        for (EventSink observer : observers) {
            observer.publish(event);
        }
        for (Iterator<Watcher> it = watchers.iterator(); it.hasNext(); ) {
            if (!it.next().offer(event)) {
                it.remove();
            }
        }
    }

    /** Must be called on the registry thread. */
    public void add(Watcher watcher) {
        watchers.add(watcher);
    }

    /**
     * Adds an observer for the life of the process (metrics): unlike watchers, it stays when the coordinator stops
     * leading. It runs on the registry thread and must not block.
     */
    public void observe(EventSink observer) {
        observers.add(observer);
    }

    /** Forgets every watcher: the coordinator no longer leads, and their streams were ended. */
    public void clear() {
        watchers.clear();
    }

    public int size() {
        return watchers.size();
    }
}
