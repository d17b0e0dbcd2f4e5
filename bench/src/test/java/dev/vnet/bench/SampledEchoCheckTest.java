package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.Payload;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SampledEchoCheckTest {

    private static final Payload SENT = RequestPayload.of(RequestPayload.Format.json, 512);

    @Test
    void aFaithfulEchoPasses() {
        Supplier<CompletableFuture<?>> call = SampledEchoCheck.of(() -> CompletableFuture.completedFuture(SENT), SENT);

        for (int i = 0; i < 3 * SampledEchoCheck.EVERY; i++) {
            assertThat((Object) call.get().join()).isEqualTo(SENT);
        }
    }

    @Test
    void everySampledCallOfAWrongEchoFailsAndOnlyThose() {
        Payload wrong = SENT.toBuilder().setData(ByteString.copyFromUtf8("{}")).build();
        Supplier<CompletableFuture<?>> call = SampledEchoCheck.of(() -> CompletableFuture.completedFuture(wrong),
                SENT);

        int failed = 0;
        for (int i = 0; i < 3 * SampledEchoCheck.EVERY; i++) {
            if (call.get().isCompletedExceptionally()) {
                failed++;
            }
        }
        assertThat(failed).isEqualTo(3);
    }

    @Test
    void aLostContentTypeIsAWrongEcho() {
        Payload untyped = SENT.toBuilder().clearContentType().build();

        assertThat(SampledEchoCheck.of(() -> CompletableFuture.completedFuture(untyped), SENT).get())
                .isCompletedExceptionally();
    }
}
