package dev.vnet.wire;

import static dev.vnet.wire.OutboundStreamTest.kib;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Smart batching in {@link OutboundStream}: what waits together leaves together, and an idle message at once. */
class OutboundStreamBatchingTest {

    private static final int KIB = 1024;

    private final FakeTransport transport = new FakeTransport();
    /** The messages of each batch written, by the batch's number (its content type is "batch" + number). */
    private final List<List<Payload>> batches = Collections.synchronizedList(new ArrayList<>());
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private OutboundStream<Payload> stream(boolean peerTakesBatches) {
        OutboundStream<Payload> out = new OutboundStream<>(transport,
                new QueueBudget(100_000, 64L << 20, "test.per-stream", null, true, null));
        if (peerTakesBatches) {
            out.batchWith(messages -> {
                batches.add(List.copyOf(messages));
                return Payload.newBuilder().setContentType("batch" + (batches.size() - 1)).build();
            });
        }
        return out;
    }

    private static Payload tiny(String tag) {
        return Payload.newBuilder().setContentType(tag).build();
    }

    /** What was written, each batch as "[a, b]" and each single message as its tag. */
    private List<String> writes() {
        synchronized (transport.written) {
            return transport.written.stream().map(p -> p.getContentType().startsWith("batch")
                    ? batches.get(Integer.parseInt(p.getContentType().substring(5))).stream()
                            .map(Payload::getContentType).toList().toString()
                    : p.getContentType()).toList();
        }
    }

    /** Every message written, batches opened, in the order the peer reads them. */
    private List<String> delivered() {
        synchronized (transport.written) {
            return transport.written.stream().flatMap(p -> p.getContentType().startsWith("batch")
                    ? batches.get(Integer.parseInt(p.getContentType().substring(5))).stream()
                    : java.util.stream.Stream.of(p)).map(Payload::getContentType).toList();
        }
    }

    private void onLoop(Runnable task) throws Exception {
        loop.submit(task).get(10, TimeUnit.SECONDS);
        // The writer's turn was queued behind the task; one more task runs after it.
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleMessageLeavesAtOnceAsItIs() {
        transport.ready = true;
        OutboundStream<Payload> out = stream(true);

        out.send(tiny("alone"));

        assertThat(writes()).containsExactly("alone");
    }

    @Test
    void whatWaitsForTheTransportLeavesAsOneBatchInOrder() {
        OutboundStream<Payload> out = stream(true);
        IntStream.range(0, 5).forEach(i -> out.send(tiny("m" + i)));
        out.sendControl(tiny("command"));

        transport.becomeReady();

        assertThat(writes()).containsExactly("[m0, m1, m2, m3, m4, command]");
        assertThat(out.queued()).isZero();
    }

    @Test
    void aPeerThatDidNotSayItTakesBatchesGetsSingleMessages() {
        OutboundStream<Payload> out = stream(false);
        IntStream.range(0, 3).forEach(i -> out.send(tiny("m" + i)));

        transport.becomeReady();

        assertThat(writes()).containsExactly("m0", "m1", "m2");
    }

    @Test
    void urgentFramesAreNeverBatchedAndGoFirst() {
        OutboundStream<Payload> out = stream(true);
        out.send(tiny("d1"));
        out.send(tiny("d2"));
        out.sendUrgent(tiny("pong"));

        transport.becomeReady();

        assertThat(writes()).containsExactly("pong", "[d1, d2]");
    }

    @Test
    void aBatchHoldsAtMostTheBoundedCountOfMessages() {
        OutboundStream<Payload> out = stream(true);
        IntStream.range(0, OutboundStream.MAX_BATCH_FRAMES + 10).forEach(i -> out.send(tiny("m" + i)));

        transport.becomeReady();

        assertThat(batches).extracting(List::size).containsExactly(OutboundStream.MAX_BATCH_FRAMES, 10);
        assertThat(delivered()).hasSize(OutboundStream.MAX_BATCH_FRAMES + 10).startsWith("m0").endsWith("m265");
    }

    @Test
    void aBatchHoldsAtMostTheBoundedBytesAndALargerMessageTravelsAlone() {
        OutboundStream<Payload> out = stream(true);
        IntStream.range(0, 4).forEach(i -> out.send(kib(20, "m" + i)));
        out.send(kib(70, "big"));
        out.send(kib(1, "after"));

        transport.becomeReady();

        assertThat(writes()).containsExactly("[m0, m1, m2]", "m3", "big", "after");
        assertThat(batches.get(0).stream().mapToInt(Payload::getSerializedSize).sum())
                .isLessThanOrEqualTo(OutboundStream.MAX_BATCH_BYTES);
    }

    @Test
    void aTransportThatFillsUpMidBurstHoldsTheRestUntilItIsReadyAgain() {
        OutboundStream<Payload> out = stream(true);
        IntStream.range(0, 6).forEach(i -> out.send(tiny("m" + i)));
        transport.readyFor = 1;

        transport.becomeReady();
        assertThat(writes()).containsExactly("[m0, m1, m2, m3, m4, m5]");

        transport.ready = true;
        transport.readyFor = 1;
        out.send(tiny("x"));
        out.send(tiny("y"));
        assertThat(writes()).as("not ready after one write").containsExactly("[m0, m1, m2, m3, m4, m5]", "x");
        transport.becomeReady();
        assertThat(writes()).endsWith("x", "y");
    }

    @Test
    void onAnEventLoopWhatOneRoundSendsLeavesTogetherAtTheEndOfTheRound() throws Exception {
        transport.ready = true;
        OutboundStream<Payload> out = stream(true);

        onLoop(() -> {
            IntStream.range(0, 4).forEach(i -> out.send(tiny("m" + i)));
            assertThat(transport.written).as("nothing before the round ends").isEmpty();
        });
        onLoop(() -> out.send(tiny("idle")));

        assertThat(writes()).containsExactly("[m0, m1, m2, m3]", "idle");
    }

    @Test
    void onAnEventLoopAStreamWhosePeerTakesNoBatchesWritesAtOnce() throws Exception {
        transport.ready = true;
        OutboundStream<Payload> out = stream(false);

        onLoop(() -> {
            out.send(tiny("m0"));
            assertThat(writes()).containsExactly("m0");
        });
    }

    @Test
    void aFailureWritesWhatWasSentBeforeItThenEnds() throws Exception {
        transport.ready = true;
        OutboundStream<Payload> out = stream(true);
        List<String> ended = Collections.synchronizedList(new ArrayList<>());
        out.whenEnded(() -> ended.add("ended"));

        onLoop(() -> {
            out.send(tiny("m0"));
            out.send(tiny("m1"));
            out.fail(Status.INVALID_ARGUMENT);
            assertThat(out.send(tiny("late"))).isFalse();
        });

        assertThat(writes()).containsExactly("[m0, m1]");
        assertThat(Status.fromThrowable(transport.error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ended).containsExactly("ended");
    }

    @Test
    void aFailureWhileTheTransportIsFullDropsWhatWaitsAndGivesItsBytesBack() {
        SharedBytes total = new SharedBytes(1 << 20, "test.total");
        OutboundStream<Payload> out = new OutboundStream<>(transport,
                new QueueBudget(1000, 1 << 20, "test.per-stream", total, true, null));
        out.batchWith(messages -> tiny("batch"));
        out.send(kib(10, "m0"));
        out.send(kib(10, "m1"));

        out.fail(Status.CANCELLED);
        transport.becomeReady();

        assertThat(transport.written).isEmpty();
        assertThat(Status.fromThrowable(transport.error).getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(total.used()).isZero();
    }

    @Test
    void aFailureAskedForWhileAnotherThreadWritesReachesThePeerThoughTheStreamIsAbandonedAtOnce() throws Exception {
        // AgentStream refuses a frame with fail() and then abandons its writer, while the registry thread may be
        // writing an acknowledgement on the same stream: the role's holder must still send the failure.
        transport.ready = true;
        OutboundStream<Payload> out = stream(true);
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        transport.duringWrite = () -> {
            inWrite.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread holder = new Thread(() -> out.send(tiny("ack")));
        holder.start();
        assertThat(inWrite.await(10, TimeUnit.SECONDS)).isTrue();

        out.fail(Status.INVALID_ARGUMENT.withDescription("refused"));
        out.abandon();
        transport.duringWrite = null;
        release.countDown();
        holder.join(10_000);

        assertThat(writes()).containsExactly("ack");
        assertThat(Status.fromThrowable(transport.error).getDescription()).isEqualTo("refused");
        assertThat(out.isOpen()).isFalse();
    }

    @Test
    void aCancelledStreamWritesNothingMore() {
        OutboundStream<Payload> out = stream(true);
        out.send(tiny("m0"));

        out.abandon();
        transport.becomeReady();

        assertThat(transport.written).isEmpty();
        assertThat(transport.error).isNull();
        assertThat(out.send(tiny("m1"))).isFalse();
    }

    @Test
    void manySendersAtOnceLoseNothingDuplicateNothingAndNeverWriteConcurrently() throws Exception {
        transport.ready = true;
        OutboundStream<Payload> out = stream(true);
        int senders = 4;
        int each = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = IntStream.range(0, senders).mapToObj(s -> new Thread(() -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < each; i++) {
                out.send(tiny(s + ":" + i));
                if (i % 100 == 0) {
                    // Now and then the transport fills up, so the on-ready callback takes the role too.
                    transport.ready = false;
                    transport.becomeReady();
                }
            }
        })).toList();
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        List<String> seen = delivered();
        assertThat(seen).hasSize(senders * each).doesNotHaveDuplicates();
        for (int s = 0; s < senders; s++) {
            String prefix = s + ":";
            assertThat(seen.stream().filter(tag -> tag.startsWith(prefix)).toList())
                    .as("sender %d's order", s)
                    .isEqualTo(IntStream.range(0, each).mapToObj(i -> prefix + i).toList());
        }
        assertThat(transport.overlapped).isFalse();
        assertThat(out.queued()).isZero();
    }
}
