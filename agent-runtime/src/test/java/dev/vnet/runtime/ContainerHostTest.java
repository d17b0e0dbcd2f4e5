package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.StartContainer;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerHostTest {

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final List<String> terminated = new CopyOnWriteArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();

    private final ContainerKind counter = new ContainerKind() {
        @Override
        public String name() {
            return "counter";
        }

        @Override
        public Container create(ContainerContext context) {
            if (context.spec(String.class) != null && context.spec(String.class).equals("explode")) {
                throw new IllegalStateException("bad spec");
            }
            return new Container() {
                int count;

                @Override
                public Payload request(Call call) throws Exception {
                    int now = concurrent.incrementAndGet();
                    maxConcurrent.accumulateAndGet(now, Math::max);
                    Thread.sleep(2);
                    concurrent.decrementAndGet();
                    if (call.operation().equals("boom")) {
                        throw new IllegalArgumentException("no such thing");
                    }
                    if (call.operation().equals("huge")) {
                        return Json.encode("x".repeat(2000));
                    }
                    return Json.encode(++count);
                }

                @Override
                public void terminate() {
                    terminated.add(context.uuid());
                }
            };
        }
    };

    private final ContainerHost host = new ContainerHost("a1", Map.of("counter", counter), workers, 2, 1024);

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void startsCallsAndTerminatesInOrder() throws Exception {
        assertThat(start("c1", 5, null).get(5, TimeUnit.SECONDS)).isNull();

        List<CompletableFuture<Payload>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(call("c1", 5, "inc"));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(Json.decode(answers.get(i).get(5, TimeUnit.SECONDS), Integer.class)).isEqualTo(i + 1);
        }
        assertThat(maxConcurrent.get()).as("SERIAL runs one call at a time").isEqualTo(1);

        assertThat(host.terminate("c1", 5, "test")).isTrue();
        waitUntil(() -> terminated.contains("c1"));
        assertThat(host.count()).isZero();
    }

    @Test
    void aContainersFailureIsReportedAsFromTheContainerAndItKeepsRunning() throws Exception {
        start("c1", 1, null).get(5, TimeUnit.SECONDS);

        Error error = failure(call("c1", 1, "boom"));
        assertThat(error.getFromContainer()).isTrue();
        assertThat(error.getMessage()).contains("no such thing");
        assertThat(Json.decode(call("c1", 1, "inc").get(5, TimeUnit.SECONDS), Integer.class)).isEqualTo(1);
    }

    @Test
    void refusesWhatItCannotServe() throws Exception {
        start("c1", 7, null).get(5, TimeUnit.SECONDS);

        assertThat(failure(call("c1", 8, "inc")).getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
        assertThat(failure(call("nope", 0, "inc")).getCode()).isEqualTo(Status.Code.NOT_FOUND.value());

        StartContainer unknownKind = StartContainer.newBuilder().setUuid("x").setKind("other").setEpoch(1).build();
        CompletableFuture<Error> result = new CompletableFuture<>();
        host.start(unknownKind, result::complete);
        assertThat(result.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.NOT_FOUND.value());

        assertThat(start("bad", 1, "explode").get(5, TimeUnit.SECONDS).getMessage()).contains("bad spec");
        start("c2", 1, null).get(5, TimeUnit.SECONDS);
        assertThat(start("c3", 1, null).get(5, TimeUnit.SECONDS).getCode())
                .as("max containers").isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
    }

    @Test
    void haCopiesFenceThemselvesByDefaultAndStandardOnesDoNot() throws Exception {
        host.fenceWhen(() -> true);
        CompletableFuture<Error> ha = new CompletableFuture<>();
        host.start(StartContainer.newBuilder().setUuid("h1").setKind("counter").setEpoch(1)
                .setType(dev.vnet.proto.v1.ContainerType.CONTAINER_TYPE_HA).build(), ha::complete);
        assertThat(ha.get(5, TimeUnit.SECONDS)).isNull();
        start("s1", 1, null).get(5, TimeUnit.SECONDS);

        assertThat(call("s1", 0, "inc").get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(call("h1", 0, "inc")).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("out of touch");
    }

    @Test
    void anAnswerLargerThanThePayloadLimitIsRefusedAndTheContainerServesOn() throws Exception {
        start("c1", 1, null).get(5, TimeUnit.SECONDS);

        Error refused = failure(call("c1", 1, "huge"));

        assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(refused.getMessage()).contains("the limit is 1024");
        assertThat(Json.decode(call("c1", 1, "inc").get(5, TimeUnit.SECONDS), Integer.class)).isEqualTo(1);
    }

    @Test
    void aCallWhoseDeadlinePassedWhileQueuedIsNotRun() throws Exception {
        start("c1", 1, null).get(5, TimeUnit.SECONDS);
        CompletableFuture<Error> late = new CompletableFuture<>();
        host.call("c1", 1, new Call("c1", "inc", Payload.getDefaultInstance(), "", false), System.nanoTime() - 1,
                new ReplyTo() {
                    @Override
                    public void ok(Payload payload, long epoch) {
                        late.complete(null);
                    }

                    @Override
                    public void fail(Error error) {
                        late.complete(error);
                    }
                }, null);
        assertThat(late.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
        assertThat(Json.decode(call("c1", 1, "inc").get(5, TimeUnit.SECONDS), Integer.class)).isEqualTo(1);
    }

    @Test
    void aNewerActivationReplacesTheOldCopy() throws Exception {
        start("c1", 1, null).get(5, TimeUnit.SECONDS);
        start("c1", 2, null).get(5, TimeUnit.SECONDS);

        waitUntil(() -> terminated.contains("c1"));
        assertThat(host.find("c1").epoch()).isEqualTo(2);
        assertThat(host.running()).singleElement().satisfies(r -> assertThat(r.getEpoch()).isEqualTo(2));
    }

    private CompletableFuture<Error> start(String uuid, long epoch, String spec) {
        CompletableFuture<Error> result = new CompletableFuture<>();
        host.start(StartContainer.newBuilder().setUuid(uuid).setKind("counter").setEpoch(epoch)
                .setSpec(Json.encode(spec)).build(), error -> result.complete(error));
        return result;
    }

    private CompletableFuture<Payload> call(String uuid, long epoch, String operation) {
        CompletableFuture<Payload> result = new CompletableFuture<>();
        host.call(uuid, epoch, new Call(uuid, operation, Payload.getDefaultInstance(), "", false),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(5), new ReplyTo() {
                    @Override
                    public void ok(Payload payload, long copyEpoch) {
                        result.complete(payload);
                    }

                    @Override
                    public void fail(Error error) {
                        result.completeExceptionally(new FailedCall(error));
                    }
                }, null);
        return result;
    }

    private static Error failure(CompletableFuture<Payload> call) throws InterruptedException {
        try {
            call.get(5, TimeUnit.SECONDS);
            throw new AssertionError("the call should have failed");
        } catch (java.util.concurrent.ExecutionException e) {
            return ((FailedCall) e.getCause()).error;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            never.await(10, TimeUnit.MILLISECONDS);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    private static final class FailedCall extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Error error;

        FailedCall(Error error) {
            super(error.getMessage());
            this.error = error;
        }
    }
}
