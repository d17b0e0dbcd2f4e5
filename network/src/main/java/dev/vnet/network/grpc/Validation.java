package dev.vnet.network.grpc;

import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.proto.v1.StatelessOffer;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Names;

/**
 * Checks every field of what clients and agents send before it reaches the registry. Each method answers null
 * when the message is fine, else one message naming the first bad field and what is allowed.
 */
final class Validation {

    private static final int MAX_CLIENT_NAME = 128;

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
        if (request.getResources().getCpu() < 0 || request.getResources().getMemoryBytes() < 0) {
            return "resources must not be negative";
        }
        return null;
    }

    String request(ContainerRequest request) {
        String problem = Names.first(
                names.idProblem("uuid", request.getUuid()),
                names.operationProblem("operation", request.getOperation()),
                names.optionalIdProblem("session_id", request.getSessionId()),
                payload("payload", request.getPayload()));
        if (problem == null && request.getTimeoutMs() < 0) {
            return "timeout_ms must not be negative";
        }
        return problem;
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
        if (registration.getCapacity().getCpu() < 0 || registration.getCapacity().getMemoryBytes() < 0
                || registration.getCapacity().getMaxContainers() < 0) {
            return "capacity must not be negative";
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
        int size = payload.getData().size();
        return size > maxPayloadBytes ? field + " is " + size + " bytes; the limit is " + maxPayloadBytes
                + " (vnet.network.max-payload-bytes)" : null;
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
