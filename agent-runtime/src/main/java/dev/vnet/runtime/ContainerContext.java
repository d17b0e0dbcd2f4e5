package dev.vnet.runtime;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Payload;
import java.util.List;

/**
 * What a factory knows about the container it creates.
 *
 * @param uuid the container's uuid
 * @param kind its kind
 * @param type standard, stateless or ha
 * @param labels its labels
 * @param spec the configuration given to {@code get} (empty when none)
 * @param epoch the activation epoch the network gave this copy
 * @param agentId the agent that hosts it
 * @param stopper ends the container from inside (see {@link #stop})
 */
public record ContainerContext(String uuid, String kind, ContainerType type, List<String> labels, Payload spec,
        long epoch, String agentId, Stopper stopper) {

    /** Ends a container from inside; the runtime terminates it and tells the network. */
    @FunctionalInterface
    public interface Stopper {
        void stop(String uuid, long epoch, String reason);
    }

    /** The spec decoded from JSON into {@code type}; null when there is no spec. */
    public <T> T spec(Class<T> type) {
        return Json.decode(spec, type);
    }

    /** Stops this container: it is terminated and the network removes it, with {@code reason} in the event. */
    public void stop(String reason) {
        stopper.stop(uuid, epoch, reason);
    }
}
