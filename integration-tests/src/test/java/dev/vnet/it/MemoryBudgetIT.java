package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.client.CallOptions;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.Jvm;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Readers that stop reading cannot make the coordinator hold what they do not read: three paused readers of a chat
 * room and 250 posts of 1 MiB leave its heap under its budget, and the readers are dropped with RESOURCE_EXHAUSTED,
 * told which budget they passed, and counted.
 */
class MemoryBudgetIT {

    private static final int PAUSED_READERS = 3;
    private static final int POSTS = 250;
    private static final long PER_STREAM = 8L << 20;
    private static final long TOTAL = 64L << 20;
    private static final String MIB_TEXT = "x".repeat(1 << 20);

    @Test
    void pausedReadersAreDroppedAndTheHeapStaysUnderItsBudget() throws Exception {
        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("budget-network", Map.of(
                    "vnet.network.max-payload-bytes", Integer.toString(2 << 20),
                    "vnet.network.limits.max-queued-bytes-per-stream", Long.toString(PER_STREAM),
                    "vnet.network.limits.max-queued-bytes", Long.toString(TOTAL))).awaitReady(Duration.ofSeconds(180));
            processes.agent("budget-agent", network.endpoint(), Map.of(
                    "vnet.agent.max-payload-bytes", Integer.toString(2 << 20))).awaitReady(Duration.ofSeconds(180));
            ManagedChannel raw = Grpc.channel(Endpoint.parse(network.endpoint()), 4 << 20, ChannelSecurity.NONE);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).maxPayloadBytes(4 << 20)
                    .timeout(Duration.ofSeconds(60)).build().awaitConnected(Duration.ofSeconds(30))) {
                ContainerRef room = client.get(GetOptions.kind("chat").uuid("budget-room"));
                room.request("post", Map.of("text", "warm up"), Map.class);
                long heapBefore = Jvm.heapUsedAfterGc(network.pid());
                List<ClientCallStreamObserver<ConnectFrame>> calls = new ArrayList<>();
                List<CompletableFuture<Status>> readers = pausedReaders(raw, room.uuid(), calls);

                Semaphore inFlight = new Semaphore(4);
                for (int i = 0; i < POSTS; i++) {
                    inFlight.acquire();
                    client.requestAsync(room.uuid(), "post", Map.of("text", MIB_TEXT), CallOptions.DEFAULT)
                            .whenComplete((reply, failure) -> inFlight.release());
                }
                inFlight.acquire(4);
                long heapAfter = Jvm.heapUsedAfterGc(network.pid());

                // A dropped reader learns why once it reads what was sent before its status (HTTP/2 keeps order).
                calls.forEach(call -> call.request(Integer.MAX_VALUE));
                for (CompletableFuture<Status> reader : readers) {
                    Status status = reader.get(60, TimeUnit.SECONDS);
                    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(status.getDescription()).contains("fell behind")
                            .contains("vnet.network.limits.max-queued-bytes");
                }
                System.out.printf("MemoryBudgetIT network heap after GC: %d KiB before, %d KiB after%n",
                        heapBefore >> 10, heapAfter >> 10);
                assertThat(heapAfter).as("heap after the flood, against the total budget")
                        .isLessThan(heapBefore + TOTAL);
                assertThat(droppedReaders(network.httpGet("/q/metrics"))).isGreaterThanOrEqualTo(PAUSED_READERS);
                assertThat(network.isAlive()).isTrue();
                assertThat(room.request("members", null, Map.class)).isNotNull();
            } finally {
                raw.shutdownNow();
            }
        }
    }

    /**
     * Readers of the room that read its welcome and then nothing more (until told to); each completes with how it
     * ended.
     */
    private static List<CompletableFuture<Status>> pausedReaders(ManagedChannel channel, String uuid,
            List<ClientCallStreamObserver<ConnectFrame>> calls) throws InterruptedException {
        List<CompletableFuture<Status>> ends = new ArrayList<>();
        CountDownLatch welcomed = new CountDownLatch(PAUSED_READERS);
        for (int i = 0; i < PAUSED_READERS; i++) {
            CompletableFuture<Status> ended = new CompletableFuture<>();
            ends.add(ended);
            NetworkGrpc.newStub(channel).connect(new ClientResponseObserver<ConnectFrame, ConnectEvent>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ConnectFrame> call) {
                    call.disableAutoRequestWithInitial(2);
                    calls.add(call);
                }

                @Override
                public void onNext(ConnectEvent event) {
                    if (event.hasBroadcast()) {
                        welcomed.countDown();
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    ended.complete(Status.fromThrowable(failure));
                }

                @Override
                public void onCompleted() {
                    ended.complete(Status.OK);
                }
            }).onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(uuid)).build());
        }
        assertThat(welcomed.await(60, TimeUnit.SECONDS)).as("paused readers connected").isTrue();
        return ends;
    }

    /** The sum of vnet_streams_dropped_total over its budgets. */
    private static double droppedReaders(String metrics) {
        Matcher line = Pattern.compile("(?m)^vnet_streams_dropped_total\\{[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (line.find()) {
            sum += Double.parseDouble(line.group(1));
        }
        return sum;
    }
}
