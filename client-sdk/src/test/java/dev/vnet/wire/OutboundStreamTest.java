package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundStreamTest {

    private static final int KIB = 1024;

    static Payload kib(int size, String tag) {
        return Payload.newBuilder().setContentType(tag).setData(ByteString.copyFrom(new byte[size * KIB])).build();
    }

    private final List<String> drops = new ArrayList<>();

    private QueueBudget dropping(long perStream, SharedBytes total) {
        return new QueueBudget(1000, perStream, "test.per-stream", total, true, drops::add);
    }

    @Test
    void writesStraightThroughWhileTheTransportIsReady() {
        FakeTransport transport = new FakeTransport();
        transport.ready = true;
        OutboundStream<Payload> out = new OutboundStream<>(transport, dropping(10 * KIB, null));

        for (int i = 0; i < 50; i++) {
            assertThat(out.send(kib(100, "m" + i))).isTrue();
        }

        assertThat(transport.written).hasSize(50);
        assertThat(out.queuedBytes()).isZero();
    }

    @Test
    void aReaderPastItsStreamBudgetIsDroppedWithAStatusThatNamesTheSetting() {
        FakeTransport transport = new FakeTransport();
        OutboundStream<Payload> out = new OutboundStream<>(transport, dropping(100 * KIB, null));

        assertThat(out.send(kib(40, "a"))).isTrue();
        assertThat(out.send(kib(40, "b"))).isTrue();
        assertThat(out.send(kib(40, "c"))).as("past 100 KiB").isFalse();

        Status status = Status.fromThrowable(transport.error);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("fell behind").contains("102400 bytes")
                .contains("test.per-stream");
        assertThat(drops).containsExactly(QueueBudget.STREAM);
        assertThat(out.isOpen()).isFalse();
        assertThat(out.queuedBytes()).isZero();
        assertThat(out.send(kib(1, "after"))).isFalse();
    }

    @Test
    void theSharedTotalBoundsAllStreamsTogetherAndIsGivenBackAsQueuesDrain() {
        SharedBytes total = new SharedBytes(200 * KIB, "test.total");
        FakeTransport first = new FakeTransport();
        FakeTransport second = new FakeTransport();
        FakeTransport third = new FakeTransport();
        OutboundStream<Payload> a = new OutboundStream<>(first, dropping(150 * KIB, total));
        OutboundStream<Payload> b = new OutboundStream<>(second, dropping(150 * KIB, total));
        OutboundStream<Payload> c = new OutboundStream<>(third, dropping(150 * KIB, total));

        assertThat(a.send(kib(90, "a1"))).isTrue();
        assertThat(b.send(kib(90, "b1"))).isTrue();
        assertThat(total.used()).isGreaterThan(180 * KIB);
        assertThat(c.send(kib(90, "c1"))).as("would pass the total").isFalse();
        assertThat(Status.fromThrowable(third.error).getDescription()).contains("test.total")
                .contains("all streams share");
        assertThat(drops).containsExactly(QueueBudget.TOTAL);

        first.becomeReady();
        assertThat(first.written).extracting(Payload::getContentType).containsExactly("a1");
        assertThat(total.used()).as("a's bytes given back once written").isLessThan(100 * KIB);
        b.fail(Status.CANCELLED);
        assertThat(total.used()).as("b's bytes given back when it ended").isZero();
    }

    @Test
    void urgentFramesOvertakeQueuedDataAndControlFramesKeepTheirPlace() {
        FakeTransport transport = new FakeTransport();
        OutboundStream<Payload> out = new OutboundStream<>(transport, dropping(100 * KIB, null));

        out.send(kib(40, "data-1"));
        out.sendControl(kib(0, "control"));
        out.send(kib(40, "data-2"));
        out.sendUrgent(kib(0, "heartbeat"));
        transport.becomeReady();

        assertThat(transport.written).extracting(Payload::getContentType)
                .containsExactly("heartbeat", "data-1", "control", "data-2");
    }

    @Test
    void controlAndUrgentFramesAreNeverRefusedForData() {
        FakeTransport transport = new FakeTransport();
        QueueBudget refusing = new QueueBudget(1000, 50 * KIB, "test.per-stream", null, false, drops::add);
        OutboundStream<Payload> out = new OutboundStream<>(transport, refusing);

        assertThat(out.send(kib(45, "data"))).isTrue();
        assertThat(out.send(kib(45, "more data"))).as("refused, the writer decides").isFalse();
        assertThat(out.isOpen()).as("a refusing budget keeps the stream").isTrue();
        assertThat(out.sendControl(kib(1, "command"))).isTrue();
        assertThat(out.sendUrgent(kib(1, "heartbeat"))).isTrue();
        assertThat(drops).isEmpty();
    }

    @Test
    void everyActionGivenToWhenEndedRunsOnceInOrderAndOnesGivenAfterTheEndRunAtOnce() {
        FakeTransport transport = new FakeTransport();
        OutboundStream<Payload> out = new OutboundStream<>(transport, dropping(10 * KIB, null));
        List<String> ran = new ArrayList<>();
        out.whenEnded(() -> ran.add("untrack"));
        out.whenEnded(() -> ran.add("stop pings"));

        out.fail(Status.UNAVAILABLE);
        out.abandon();
        out.whenEnded(() -> ran.add("late"));

        assertThat(ran).containsExactly("untrack", "stop pings", "late");
    }

    @Test
    void theMessageCountBoundsControlFramesToo() {
        FakeTransport transport = new FakeTransport();
        OutboundStream<Payload> out = new OutboundStream<>(transport,
                new QueueBudget(3, 1 << 20, "test.per-stream", null, true, drops::add));

        assertThat(out.sendControl(kib(0, "1"))).isTrue();
        assertThat(out.sendUrgent(kib(0, "2"))).isTrue();
        assertThat(out.send(kib(0, "3"))).isTrue();
        assertThat(out.sendControl(kib(0, "4"))).isFalse();

        assertThat(Status.fromThrowable(transport.error).getDescription()).contains("the limit is 3 messages");
        assertThat(drops).containsExactly(QueueBudget.FRAMES);
    }

    @Test
    void completeWaitsForTheQueueToDrain() {
        FakeTransport transport = new FakeTransport();
        OutboundStream<Payload> out = new OutboundStream<>(transport, dropping(100 * KIB, null));
        out.send(kib(1, "last"));

        out.complete();
        assertThat(transport.completed).isFalse();
        transport.becomeReady();

        assertThat(transport.written).hasSize(1);
        assertThat(transport.completed).isTrue();
    }
}
