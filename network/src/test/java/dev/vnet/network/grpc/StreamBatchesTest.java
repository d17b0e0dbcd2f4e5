package dev.vnet.network.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentFrameBatch;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ClientFrameBatch;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.RouteReply;
import dev.vnet.proto.v1.RouteRequest;
import dev.vnet.proto.v1.ServerFrame;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batches on the coordinator's two streams, in-process over a real registry: frames read in one round of an event
 * loop (here a Netty loop the test runs them on, as the transport does) leave in one batch to a peer that said it
 * understands batches, and one by one to a peer that did not; batches that come in are handled frame by frame.
 */
class StreamBatchesTest {

    private static final int BURST = 10;

    private final ShellHarness shell = new ShellHarness();
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void close() {
        shell.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    /** Runs {@code read} on the loop, as the transport runs what it read, and waits for the round to end. */
    private void onLoop(Runnable read) throws Exception {
        loop.submit(read).get(ShellHarness.WAIT_SECONDS, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(ShellHarness.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Payload text(String text) {
        return Payload.newBuilder().setData(ByteString.copyFromUtf8(text)).build();
    }

    private static List<ClientFrame> requests(String uuid) {
        return IntStream.range(0, BURST).mapToObj(i -> ClientFrame.newBuilder().setCallId(100 + i)
                .setRequest(ContainerRequest.newBuilder().setUuid(uuid).setOperation("echo")
                        .setPayload(text("m" + i))).build()).toList();
    }

    private static AgentFrame reply(RouteRequest routed) {
        return AgentFrame.newBuilder().setReply(RouteReply.newBuilder().setRouteId(routed.getRouteId())
                .setPayload(routed.getPayload())).build();
    }

    @Test
    void aBurstReachesTheAgentInOneBatchAndItsBatchOfRepliesReachesTheClientInOne() throws Exception {
        ShellHarness.Agent agent = shell.agent("a1", true, "echo");
        assertThat(agent.registered().getRegistered().getAcceptsBatches()).isTrue();
        ShellHarness.Session session = shell.session("app", true);
        assertThat(session.welcome().getAcceptsBatches()).isTrue();
        String uuid = shell.create(session, agent, "echo", 1);

        onLoop(() -> session.out().onNext(ClientFrame.newBuilder()
                .setBatch(ClientFrameBatch.newBuilder().addAllFrames(requests(uuid))).build()));

        List<RouteRequest> routed = agent.in().next(NetworkFrame::hasBatch).getBatch().getFramesList().stream()
                .map(NetworkFrame::getRequest).toList();
        assertThat(routed).extracting(r -> r.getPayload().getData().toStringUtf8())
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> "m" + i).toList());

        onLoop(() -> agent.out().onNext(AgentFrame.newBuilder().setBatch(AgentFrameBatch.newBuilder()
                .addAllFrames(routed.stream().map(StreamBatchesTest::reply).toList())).build()));

        List<ServerFrame> answers = session.in().next(ServerFrame::hasBatch).getBatch().getFramesList();
        assertThat(answers).extracting(ServerFrame::getCallId)
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> 100L + i).toList());
        assertThat(answers).extracting(a -> a.getReply().getPayload().getData().toStringUtf8())
                .containsExactlyElementsOf(IntStream.range(0, BURST).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void peersThatNeverSaidTheyTakeBatchesGetSingleFrames() throws Exception {
        ShellHarness.Agent agent = shell.agent("a1", "echo");
        ShellHarness.Session session = shell.session("app");
        String uuid = shell.create(session, agent, "echo", 1);

        onLoop(() -> requests(uuid).forEach(session.out()::onNext));

        List<NetworkFrame> toAgent = IntStream.range(0, BURST).mapToObj(i -> agent.in().next()).toList();
        assertThat(toAgent).allMatch(NetworkFrame::hasRequest);

        onLoop(() -> toAgent.forEach(frame -> agent.out().onNext(reply(frame.getRequest()))));

        List<ServerFrame> toClient = IntStream.range(0, BURST).mapToObj(i -> session.in().next()).toList();
        assertThat(toClient).allMatch(ServerFrame::hasReply);
    }
}
