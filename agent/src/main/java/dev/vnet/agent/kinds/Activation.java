package dev.vnet.agent.kinds;

import dev.vnet.runtime.ContainerContext;

/**
 * The activation a container copy serves: the epoch it was created with, or, for a stateless copy, the one the
 * network last activated it with (0 while it stands by). What {@code whoami} reports.
 */
final class Activation {

    private volatile long epoch;

    Activation(ContainerContext context) {
        this.epoch = context.epoch();
    }

    long epoch() {
        return epoch;
    }

    void activated(long activation) {
        epoch = activation;
    }

    void standby() {
        epoch = 0;
    }
}
