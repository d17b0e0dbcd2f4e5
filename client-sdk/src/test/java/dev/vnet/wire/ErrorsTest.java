package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.Error;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void shortMessagesPassUntouched() {
        String message = "container kv-1 is gone";
        assertThat(Errors.cut(message)).isSameAs(message);
        assertThat(Errors.cut("é".repeat(Errors.MAX_MESSAGE_BYTES / 2))).hasSize(Errors.MAX_MESSAGE_BYTES / 2);
    }

    @Test
    void longMessagesAreCutToTheLimitInBytesAndSaySo() {
        String cut = Errors.cut("x".repeat(100_000));

        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
        assertThat(cut).startsWith("xxxx").endsWith("(cut: 100000 bytes in all)");
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String cut = Errors.cut("名".repeat(1000) + "😀".repeat(1000));

        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
        assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(cut);
        assertThat(cut).doesNotContain("\uFFFD");
    }

    @Test
    void errorsOnTheirWayThroughAreCut() {
        Error huge = Errors.error(Status.Code.UNKNOWN, "z".repeat(100_000));
        assertThat(huge.getMessage()).hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);

        Error fromContainer = Errors.containerError(new IllegalStateException("w".repeat(100_000)));
        assertThat(fromContainer.getMessage()).startsWith("IllegalStateException: www")
                .hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);

        Error passedOn = Errors.cut(Error.newBuilder().setMessage("v".repeat(5000)).build());
        assertThat(passedOn.getMessage()).hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
        assertThat(Errors.toStatusException(Error.newBuilder().setMessage("u".repeat(5000)).build()).getStatus()
                .getDescription()).hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
    }
}
