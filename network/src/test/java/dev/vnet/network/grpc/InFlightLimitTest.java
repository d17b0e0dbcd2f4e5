package dev.vnet.network.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.routing.ReplySink;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.Error;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    private final List<String> answers = new ArrayList<>();
    private final ReplySink recorder = new ReplySink() {
        @Override
        public void reply(ContainerReply reply) {
            answers.add("reply");
        }

        @Override
        public void fail(Error error) {
            answers.add("fail");
        }
    };

    @Test
    void refusesOverTheLimitPerClientAndFreesASlotOnEachAnswer() {
        InFlightLimit limit = new InFlightLimit(2);

        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).as("a third for the same client").isFalse();
        assertThat(limit.tryAcquire("b")).as("another client has its own budget").isTrue();

        ReplySink sink = limit.releasingOnAnswer("a", recorder);
        sink.reply(ContainerReply.getDefaultInstance());
        sink.fail(Error.getDefaultInstance()); // a second answer frees nothing more
        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isFalse();
        assertThat(answers).containsExactly("reply", "fail");
        assertThat(limit.refusal()).contains("max-in-flight-per-client");
    }

    @Test
    void aLimitOfZeroIsNoLimit() {
        InFlightLimit off = new InFlightLimit(0);

        for (int i = 0; i < 1000; i++) {
            assertThat(off.tryAcquire("a")).isTrue();
        }
        assertThat(off.releasingOnAnswer("a", recorder)).isSameAs(recorder);
    }
}
