package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vnet.proto.v1.Payload;
import org.junit.jupiter.api.Test;

class RequestPayloadTest {

    @Test
    void bytesAreThatManyOctets() {
        Payload payload = RequestPayload.of(RequestPayload.Format.bytes, 64);

        assertThat(payload.getData().size()).isEqualTo(64);
        assertThat(payload.getContentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void jsonIsADocumentOfExactlyTheSize() throws Exception {
        for (int size : new int[] {RequestPayload.smallestJson(), 1000, 64 * 1024}) {
            Payload payload = RequestPayload.of(RequestPayload.Format.json, size);

            assertThat(payload.getData().size()).as("size").isEqualTo(size);
            assertThat(payload.getContentType()).isEqualTo("application/json");
            JsonNode document = new ObjectMapper().readTree(payload.getData().toByteArray());
            assertThat(document.at("/customer/name").asText()).isEqualTo("Ada Lovelace");
            assertThat(document.get("items").size()).isEqualTo(2);
        }
    }

    @Test
    void jsonSmallerThanTheDocumentIsRefusedWithItsSize() {
        int smallest = RequestPayload.smallestJson();

        assertThatThrownBy(() -> RequestPayload.of(RequestPayload.Format.json, smallest - 1))
                .isInstanceOf(UsageError.class).hasMessageContaining("--payload " + smallest + " or more");
    }
}
