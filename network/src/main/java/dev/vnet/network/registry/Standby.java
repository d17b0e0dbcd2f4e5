package dev.vnet.network.registry;

import dev.vnet.network.routing.AgentLink;
import dev.vnet.proto.v1.AgentRegister;

/** A live process holding an agent id another process already holds: it waits, with no work, to take over. */
final class Standby {

    final AgentLink link;
    final AgentRegister registration;
    /** What this process must show to replace its stream (see {@link InstanceSecrets}). */
    final String instanceSecret = InstanceSecrets.fresh();
    long lastHeartbeatMs;

    Standby(AgentLink link, AgentRegister registration, long nowMs) {
        this.link = link;
        this.registration = registration;
        this.lastHeartbeatMs = nowMs;
    }
}
