package dev.vnet.runtime;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.Payload;

/**
 * One call to a container.
 *
 * @param uuid the container called
 * @param operation what the caller asks for; the container interprets it
 * @param payload the caller's data (JSON unless its content type says otherwise)
 * @param clientId the calling client's id (its session id); empty when the caller gave none
 * @param oneWay true for a {@code send}: the container's answer is dropped
 */
public record Call(String uuid, String operation, Payload payload, String clientId, boolean oneWay) {

    /** The payload decoded from JSON into {@code type}. */
    public <T> T json(Class<T> type) {
        return Json.decode(payload, type);
    }
}
