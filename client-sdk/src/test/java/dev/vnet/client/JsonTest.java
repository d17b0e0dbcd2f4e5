package dev.vnet.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundTripsValuesAndTreatsNullAsEmpty() {
        Payload payload = Json.encode(Map.of("a", 1));
        assertThat((Object) Json.decode(payload, Map.class)).isEqualTo(Map.of("a", 1));
        assertThat(Json.encode(null).getData().isEmpty()).isTrue();
        assertThat((Object) Json.decode(Payload.getDefaultInstance(), Map.class)).isNull();
        assertThat(Json.decode(payload, Payload.class)).isSameAs(payload);
    }

    @Test
    void refusesWhatIsNotJsonWithInvalidArgument() {
        assertThatThrownBy(() -> Json.parse("{oops"))
                .isInstanceOfSatisfying(VnetException.class,
                        e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        Payload binary = Payload.newBuilder().setData(ByteString.copyFromUtf8("x"))
                .setContentType("application/octet-stream").build();
        assertThatThrownBy(() -> Json.decode(binary, Map.class)).hasMessageContaining("Payload.class");
        assertThat(Json.render(binary)).isEqualTo("<1 bytes of application/octet-stream>");
    }
}
