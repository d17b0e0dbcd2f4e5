package dev.vnet.network.registry;

import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.proto.v1.StartContainer;
import dev.vnet.proto.v1.TerminateContainer;

/** The commands the registry sends agents, each stamped with the leader's epoch so that agents can fence them. */
final class Commands {

    private final RegistryState state;

    Commands(RegistryState state) {
        this.state = state;
    }

    /** The command that starts (or, for a stateless copy, activates) activation {@code epoch} of a container. */
    StartContainer start(ContainerRecord container, long epoch) {
        return StartContainer.newBuilder()
                .setUuid(container.uuid)
                .setKind(container.kind)
                .setType(container.type)
                .addAllLabels(container.labels)
                .setSpec(container.spec)
                .setEpoch(epoch)
                .setLeaderEpoch(state.leaderEpoch)
                .build();
    }

    /** Stops activation {@code epoch} of container {@code uuid}. */
    TerminateContainer terminate(String uuid, long epoch, String reason) {
        return TerminateContainer.newBuilder().setUuid(uuid).setEpoch(epoch).setLeaderEpoch(state.leaderEpoch)
                .setReason(reason).build();
    }

    /** Stops the current activation of {@code container}. */
    TerminateContainer terminate(ContainerRecord container, String reason) {
        return terminate(container.uuid, container.epoch, reason);
    }

    /** An agent's registration answer: its state, its secret, and the timings it must keep. */
    RegisterAck.Builder ack(AgentState agentState, String instanceSecret) {
        return RegisterAck.newBuilder()
                .setState(agentState)
                .setInstanceSecret(instanceSecret)
                .setLeaderEpoch(state.leaderEpoch)
                .setHeartbeatIntervalMs(state.settings.heartbeatIntervalMs())
                .setAliveTimeoutMs(state.settings.aliveTimeoutMs());
    }
}
