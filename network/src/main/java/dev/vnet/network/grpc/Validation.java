package dev.vnet.network.grpc;

import dev.vnet.proto.v1.AgentRegister;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RunningContainer;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Names;

/**
 * Checks every field of what clients and agents send before it reaches the registry. Each method answers null
 * when the message is fine, else one message naming the first bad field and what is allowed.
 */
final class Validation {

    private static final int MAX_CLIENT_NAME = 128;

    private final int maxPayloadBytes;

    Validation(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    String get(GetRequest request) {
        String problem = Names.first(
                Names.optionalIdProblem("session_id", request.getSessionId()),
                Names.kindProblem("kind", request.getKind()),
                Names.optionalIdProblem("uuid", request.getUuid()),
                Names.labelsProblem("labels", request.getLabelsList()),
                Names.optionalIdProblem("preferred_cluster", request.getPreferredCluster()),
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
                Names.idProblem("uuid", request.getUuid()),
                Names.operationProblem("operation", request.getOperation()),
                Names.optionalIdProblem("session_id", request.getSessionId()),
                payload("payload", request.getPayload()));
        if (problem == null && request.getTimeoutMs() < 0) {
            return "timeout_ms must not be negative";
        }
        return problem;
    }

    String release(String sessionId, String uuid) {
        return Names.first(Names.idProblem("session_id", sessionId), Names.idProblem("uuid", uuid));
    }

    String clientName(String name) {
        return name.length() > MAX_CLIENT_NAME
                ? "client_name is " + name.length() + " characters long; the limit is " + MAX_CLIENT_NAME : null;
    }

    String register(AgentRegister registration) {
        String problem = Names.first(
                Names.idProblem("agent_id", registration.getAgentId()),
                Names.idProblem("instance_id", registration.getInstanceId()),
                Names.optionalIdProblem("cluster", registration.getCluster()),
                Names.labelsProblem("labels", registration.getLabelsList()),
                endpoint(registration.getEndpoint()));
        if (problem != null) {
            return problem;
        }
        for (String kind : registration.getKindsList()) {
            problem = Names.kindProblem("kinds", kind);
            if (problem != null) {
                return problem;
            }
        }
        if (registration.getCapacity().getCpu() < 0 || registration.getCapacity().getMemoryBytes() < 0
                || registration.getCapacity().getMaxContainers() < 0) {
            return "capacity must not be negative";
        }
        for (RunningContainer running : registration.getContainersList()) {
            problem = Names.first(Names.idProblem("containers.uuid", running.getUuid()),
                    Names.kindProblem("containers.kind", running.getKind()),
                    Names.labelsProblem("containers.labels", running.getLabelsList()));
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
