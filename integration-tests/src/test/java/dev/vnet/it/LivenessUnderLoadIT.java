package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.client.CallOptions;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Subscription;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.WatchEventsRequest;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Client load alone must never cost a heartbeating agent its registration: thousands of idle streams, readers that
 * stop reading a chat room, and a flood of large broadcasts (every post goes to thirteen readers) that share the
 * agent's stream with its heartbeats. The agent keeps heartbeating throughout; the network must never declare it
 * dead.
 *
 * <p>Part of every run: it passed four runs of four on a two-core machine with load averages of 17 to 29 from other
 * builds and tests beside it (about 100 s each). An earlier version of the network failed it at load 25 and more.
 */
class LivenessUnderLoadIT {

    private static final int IDLE_STREAMS = 5000;
    private static final int PAUSED_READERS = 3;
    private static final int READERS = 10;
    private static final int POSTS = 2000;
    private static final int POSTS_IN_FLIGHT = 4;
    /** Each post is broadcast to every reader, paused ones included: 13 x 64 KiB on the agent's stream. */
    private static final String POST_TEXT = "x".repeat(64 << 10);

    @Test
    void clientLoadNeverCostsAHeartbeatingAgentItsRegistration() throws Exception {
        // The JVM's default collector, with the heap a container would give it.
        try (VnetProcesses processes = new VnetProcesses(List.of("-Xmx512m"))) {
            VnetProcess network = processes.network("liveness-network", Map.of(
                    "vnet.network.max-payload-bytes", Integer.toString(2 << 20)))
                    .awaitReady(Duration.ofSeconds(180));
            VnetProcess agent = processes.agent("liveness-agent", network.endpoint(), Map.of(
                    "vnet.agent.max-payload-bytes", Integer.toString(2 << 20))).awaitReady(Duration.ofSeconds(180));
            List<Event> removals = new CopyOnWriteArrayList<>();
            ManagedChannel raw = Grpc.channel(Endpoint.parse(network.endpoint()), 4 << 20, ChannelSecurity.NONE);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).maxPayloadBytes(4 << 20)
                    .timeout(Duration.ofSeconds(60)).build().awaitConnected(READY);
                    Subscription watch = client.watch(removals::add, false,
                            EventKind.EVENT_KIND_AGENT_REMOVED)) {
                ContainerRef room = client.get(GetOptions.kind("chat").uuid("liveness-room"));
                List<ClientCallStreamObserver<?>> paused = pausedReaders(raw, room.uuid());
                AtomicLong received = new AtomicLong();
                readers(raw, room.uuid(), received);

                idleStreams(raw);
                flood(client, room.uuid());
                System.out.println("LivenessUnderLoadIT: " + received.get() + " broadcasts read");

                assertThat(removals).as("agents the network declared dead under client load").isEmpty();
                assertThat(network.logTail(100_000)).doesNotContain("sent no heartbeat");
                assertThat(client.agents()).extracting(a -> a.getAgentId()).contains("liveness-agent");
                assertThat(agent.isAlive()).isTrue();
                paused.forEach(reader -> reader.cancel("test over", null));
            } finally {
                raw.shutdownNow();
            }
        }
    }

    /** Readers of the room that read its welcome and then nothing more. */
    private static List<ClientCallStreamObserver<?>> pausedReaders(ManagedChannel channel, String uuid)
            throws InterruptedException {
        List<ClientCallStreamObserver<?>> readers = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(PAUSED_READERS);
        for (int i = 0; i < PAUSED_READERS; i++) {
            ClientResponseObserver<ConnectFrame, ConnectEvent> reader = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ConnectFrame> call) {
                    call.disableAutoRequestWithInitial(1);
                    readers.add(call);
                }

                @Override
                public void onNext(ConnectEvent event) {
                    ready.countDown();
                }

                @Override
                public void onError(Throwable failure) { }

                @Override
                public void onCompleted() { }
            };
            NetworkGrpc.newStub(channel).connect(reader).onNext(ConnectFrame.newBuilder()
                    .setOpen(ConnectOpen.newBuilder().setUuid(uuid)).build());
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("paused readers connected").isTrue();
        return readers;
    }

    /** Readers of the room that read everything it broadcasts. */
    private static void readers(ManagedChannel channel, String uuid, AtomicLong received) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(READERS);
        for (int i = 0; i < READERS; i++) {
            NetworkGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(ConnectEvent event) {
                    if (event.hasReady()) {
                        ready.countDown();
                    } else {
                        received.incrementAndGet();
                    }
                }

                @Override
                public void onError(Throwable failure) { }

                @Override
                public void onCompleted() { }
            }).onNext(ConnectFrame.newBuilder().setOpen(ConnectOpen.newBuilder().setUuid(uuid)).build());
        }
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("readers connected").isTrue();
    }

    /** Streams that stay open and say nothing more after their request: watches of events that never come. */
    private static void idleStreams(ManagedChannel channel) throws InterruptedException {
        WatchEventsRequest nothing = WatchEventsRequest.newBuilder()
                .addKinds(EventKind.EVENT_KIND_MIGRATION_STARTED).build();
        for (int i = 0; i < IDLE_STREAMS; i++) {
            NetworkGrpc.newStub(channel).watchEvents(nothing, new StreamObserver<>() {
                @Override
                public void onNext(Event event) { }

                @Override
                public void onError(Throwable failure) { }

                @Override
                public void onCompleted() { }
            });
        }
        // One more on the same connection, answered: the idle ones ahead of it are open too.
        CountDownLatch answered = new CountDownLatch(1);
        NetworkGrpc.newStub(channel).watchEvents(WatchEventsRequest.newBuilder().setSnapshot(true).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(Event event) {
                        answered.countDown();
                    }

                    @Override
                    public void onError(Throwable failure) { }

                    @Override
                    public void onCompleted() { }
                });
        assertThat(answered.await(60, TimeUnit.SECONDS)).as("idle streams opened").isTrue();
    }

    /** Posts of 64 KiB to the room, a few in flight at a time: each is broadcast to every reader. */
    private static void flood(VnetClient client, String uuid) throws InterruptedException {
        Semaphore inFlight = new Semaphore(POSTS_IN_FLIGHT);
        List<CompletableFuture<?>> posts = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
            inFlight.acquire();
            posts.add(client.requestAsync(uuid, "post", Map.of("text", POST_TEXT), CallOptions.DEFAULT)
                    .whenComplete((reply, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null).join();
    }
}
