package dev.vnet.network.registry;

import dev.vnet.proto.v1.Event;

/** Receives every event the registry produces, on the registry thread, in order; must not block. */
@FunctionalInterface
public interface EventSink {

    void publish(Event event);
}
