package dev.vnet.network.grpc;

import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Load;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StatelessOffer;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.MessageBounds;
import dev.vnet.wire.Names;
import dev.vnet.wire.StreamLiveness;
import java.util.List;

/**
 * Checks every field of what clients and agents send before it reaches the registry. Each method answers null
 * when the message is fine, else one message naming the first bad field and what is allowed.
 */
final class Validation {

    private static final int MAX_CLIENT_NAME = 128;
    private static final int MAX_VERSION_LENGTH = 128;
    private static final String PAYLOAD_SETTING = "vnet.network.max-payload-bytes";

    private final int maxPayloadBytes;
    private final Names names;

    Validation(int maxPayloadBytes, Names names) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.names = names;
    }

    /** The identifier and label rules, with this network's limits. */
    Names names() {
        return names;
    }

    String get(GetRequest request) {
        String problem = Names.first(
                names.optionalIdProblem("session_id", request.getSessionId()),
                names.kindProblem("kind", request.getKind()),
                names.optionalIdProblem("uuid", request.getUuid()),
                names.labelsProblem("labels", request.getLabelsList()),
                names.optionalIdProblem("preferred_cluster", request.getPreferredCluster()),
                payload("spec", request.getSpec()));
        if (problem != null) {
            return problem;
        }
        if (request.getType() == ContainerType.UNRECOGNIZED) {
            return "type " + request.getTypeValue() + " is not a ContainerType";
        }
        return MessageBounds.amounts("resources", request.getResources().getCpu(),
                request.getResources().getMemoryBytes());
    }

    String request(ContainerRequest request) {
        return MessageBounds.request(names, request, maxPayloadBytes, PAYLOAD_SETTING);
    }

    /** A heartbeat's load: it steers placement, so it must be a real amount. */
    String load(Load load) {
        String problem = MessageBounds.amounts("load", load.getCpu(), load.getMemoryBytes());
        return problem == null && load.getContainers() < 0 ? "load.containers must not be negative" : problem;
    }

    String watch(WatchEventsRequest request) {
        if (request.getKindsList().contains(EventKind.UNRECOGNIZED)) {
            return "kinds has a value that is not an EventKind";
        }
        if (request.getKindsList().contains(EventKind.EVENT_KIND_PING)) {
            return "kinds must not name EVENT_KIND_PING: pings come with ping_interval_ms, whatever the kinds";
        }
        return StreamLiveness.intervalProblem("ping_interval_ms", request.getPingIntervalMs());
    }

    String release(String sessionId, String uuid) {
        return Names.first(names.idProblem("session_id", sessionId), names.idProblem("uuid", uuid));
    }

    String clientName(String name) {
        return name.length() > MAX_CLIENT_NAME
                ? "client_name is " + name.length() + " characters long; the limit is " + MAX_CLIENT_NAME : null;
    }

    String register(AgentRegister registration) {
        String problem = Names.first(
                names.idProblem("agent_id", registration.getAgentId()),
                names.idProblem("instance_id", registration.getInstanceId()),
                names.optionalIdProblem("cluster", registration.getCluster()),
                names.labelsProblem("labels", registration.getLabelsList()),
                endpoint(registration.getEndpoint()));
        if (problem != null) {
            return problem;
        }
        for (String kind : registration.getKindsList()) {
            problem = names.kindProblem("kinds", kind);
            if (problem != null) {
                return problem;
            }
        }
        problem = MessageBounds.amounts("capacity", registration.getCapacity().getCpu(),
                registration.getCapacity().getMemoryBytes());
        if (problem != null) {
            return problem;
        }
        if (registration.getCapacity().getMaxContainers() < 0) {
            return "capacity.max_containers must not be negative";
        }
        if (registration.getInstanceSecret().length() > MAX_VERSION_LENGTH) {
            return "instance_secret is " + registration.getInstanceSecret().length() + " characters long; the limit is "
                    + MAX_VERSION_LENGTH;
        }
        if (registration.getVersion().length() > MAX_VERSION_LENGTH) {
            return "version is " + registration.getVersion().length() + " characters long; the limit is "
                    + MAX_VERSION_LENGTH;
        }
        for (StatelessOffer offer : registration.getStatelessList()) {
            problem = Names.first(names.idProblem("stateless.uuid", offer.getUuid()),
                    names.kindProblem("stateless.kind", offer.getKind()),
                    names.labelsProblem("stateless.labels", offer.getLabelsList()));
            if (problem != null) {
                return problem;
            }
        }
        for (RunningContainer running : registration.getContainersList()) {
            problem = Names.first(names.idProblem("containers.uuid", running.getUuid()),
                    names.kindProblem("containers.kind", running.getKind()),
                    names.labelsProblem("containers.labels", running.getLabelsList()));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String payload(String field, Payload payload) {
        return MessageBounds.payload(field, payload, maxPayloadBytes, PAYLOAD_SETTING);
    }

    private static String endpoint(String endpoint) {
        try {
            Endpoint.parse(endpoint);
            return null;
        } catch (IllegalArgumentException e) {
            return "endpoint: " + e.getMessage();
        }
    }
}
