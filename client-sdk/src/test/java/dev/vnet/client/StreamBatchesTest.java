package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.client.ScriptedServer.AgentCalls;
import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.DirectResultBatch;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.SendResponse;
import dev.vnet.proto.v1.ServerFrame;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batches on the SDK's two streams, the session and the direct calls, against a scripted network and agent: a
 * burst of calls leaves in one batch once the peer said it understands batches, and only then; batches that come
 * back answer every call in them.
 */
class StreamBatchesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(ScriptedServer.WAIT_SECONDS);
    private static final int BURST = 10;

    private final ScriptedServer network = new ScriptedServer("net-1:3737");
    private final ScriptedServer agent = new ScriptedServer("agent-1:3738");
    private final VnetClient client = VnetClient.builder().network("net-1:3737").timeout(TIMEOUT)
            .connector(ScriptedServer::channel).build();
    /** Stands for the Netty event loop on which an application's callbacks send their next calls. */
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void close() {
        client.close();
        network.close();
        agent.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private SessionCall openSession(boolean networkTakesBatches) {
        SessionCall session = network.nextSession();
        assertThat(session.hello().getHello().getAcceptsBatches()).as("the SDK says it takes batches").isTrue();
        SessionCall welcomed = session.welcome("s-1", 1000, 3000, networkTakesBatches);
        // The SDK reads the welcome on its own thread: calls made before it has are parked and leave one by one.
        client.awaitConnected(TIMEOUT);
        return welcomed;
    }

    /** {@code BURST} calls made in one round of the loop, as callbacks of answers read together make them. */
    private <T> List<CompletableFuture<T>> burst(Supplier<CompletableFuture<T>> call) throws Exception {
        return loop.submit(() -> IntStream.range(0, BURST).mapToObj(i -> call.get()).toList())
                .get(ScriptedServer.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aBurstOfCallsLeavesInOneBatchAndABatchOfAnswersCompletesThemAll() throws Exception {
        SessionCall session = openSession(true);

        List<CompletableFuture<Void>> sends = burst(() -> client.sendAsync("u-1", "op", null));

        ClientFrame batch = session.next();
        assertThat(batch.getBatch().getFramesList()).hasSize(BURST).allMatch(ClientFrame::hasSend);
        List<Long> callIds = batch.getBatch().getFramesList().stream().map(ClientFrame::getCallId).toList();
        assertThat(callIds).as("in the order they were made").isSorted();
        session.answerInOneBatch(callIds.stream().map(id -> ServerFrame.newBuilder().setCallId(id)
                .setSent(SendResponse.getDefaultInstance()).build()).toList());
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aNetworkThatDidNotSayItTakesBatchesGetsSingleFrames() throws Exception {
        SessionCall session = openSession(false);

        burst(() -> client.sendAsync("u-1", "op", null));

        for (int i = 0; i < BURST; i++) {
            assertThat(session.next().hasSend()).isTrue();
        }
    }

    private ContainerRef getOnAgent1() {
        SessionCall session = openSession(false);
        CompletableFuture<ContainerRef> getting = client.getAsync(GetOptions.kind("kv").uuid("u-1"));
        session.answerGet(session.nextGet(), container("u-1", "kv", "agent-1", "agent-1:3738"), true, "ticket");
        return getting.join();
    }

    private static DirectResult reply(DirectCall call) {
        return DirectResult.newBuilder().setCallId(call.getCallId())
                .setReply(ContainerReply.newBuilder().setPayload(Json.encode("ok"))).build();
    }

    @Test
    void directCallsGoInOneBatchOnceTheAgentSaidItTakesThem() throws Exception {
        ContainerRef ref = getOnAgent1();
        CompletableFuture<Payload> first = ref.requestDirectAsync("read", null, CallOptions.DEFAULT);
        AgentCalls calls = agent.nextDirectCalls();
        DirectCall call = calls.next();
        assertThat(call.getAcceptsBatches()).as("the first call says the SDK takes batches").isTrue();
        calls.send(reply(call).toBuilder().setAcceptsBatches(true).build());
        first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        List<CompletableFuture<Payload>> answers = burst(() -> ref.requestDirectAsync("read", null,
                CallOptions.DEFAULT));

        DirectCall batch = calls.next();
        assertThat(batch.getBatchList()).hasSize(BURST);
        assertThat(batch.getBatch(1).getAcceptsBatches()).as("said once, on the first call").isFalse();
        calls.send(DirectResult.newBuilder().setBatch(DirectResultBatch.newBuilder()
                .addAllResults(batch.getBatchList().stream().map(StreamBatchesTest::reply).toList())).build());
        for (CompletableFuture<Payload> answer : answers) {
            assertThat(Json.decode(answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), String.class)).isEqualTo("ok");
        }
    }

    @Test
    void anAgentThatDidNotSayItTakesBatchesGetsSingleCalls() throws Exception {
        ContainerRef ref = getOnAgent1();
        CompletableFuture<Payload> first = ref.requestDirectAsync("read", null, CallOptions.DEFAULT);
        AgentCalls calls = agent.nextDirectCalls();
        calls.send(reply(calls.next()));
        first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        burst(() -> ref.requestDirectAsync("read", null, CallOptions.DEFAULT));

        for (int i = 0; i < BURST; i++) {
            assertThat(calls.next().getBatchCount()).isZero();
        }
    }
}
