package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentState;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.RegisterAck;
import dev.vnet.wire.LeaderHints;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's link to a network of two coordinators, in process: a leader that falls silent, and a standby whose
 * view of the leader lags (it names the silent one).
 */
@Timeout(60)
class NetworkLinkTest {

    private static final String LEADER = "10.0.0.1:3737";
    private static final String STANDBY = "10.0.0.2:3737";

    private final String leaderName = InProcessServerBuilder.generateName();
    private final String standbyName = InProcessServerBuilder.generateName();
    private final SilentAfterRegistration leader = new SilentAfterRegistration();
    private final StaleStandby standby = new StaleStandby();
    private Server leaderServer;
    private Server standbyServer;
    private AgentRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        leaderServer.shutdownNow();
        standbyServer.shutdownNow();
    }

    @Test
    void anAgentThatLeftASilentLeaderIsNotSentBackToItByAStandbyThatStillNamesIt() throws Exception {
        leaderServer = InProcessServerBuilder.forName(leaderName).directExecutor().addService(leader).build().start();
        standbyServer = InProcessServerBuilder.forName(standbyName).directExecutor().addService(standby).build()
                .start();
        runtime = AgentRuntime.builder().agentId("agent-1").network(LEADER + "," + STANDBY)
                .directTransport(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()), "in-process")
                .networkChannels(endpoint -> InProcessChannelBuilder.forName(endpoint.toString().equals(LEADER)
                        ? leaderName : standbyName).directExecutor().build())
                .build().start();

        // The leader acknowledges, then says nothing: after its alive timeout the agent leaves it for the standby,
        // which answers that it does not lead and names the silent leader, again and again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (standby.connects.get() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(standby.connects.get()).as("the agent keeps asking the standby").isGreaterThanOrEqualTo(5);
        assertThat(leader.connects.get()).as("and never goes back to the leader that fell silent").isEqualTo(1);
    }

    /** Acknowledges the registration (alive timeout 300 ms), then never writes again. */
    private static final class SilentAfterRegistration extends AgentChannelGrpc.AgentChannelImplBase {
        final AtomicInteger connects = new AtomicInteger();

        @Override
        public StreamObserver<AgentFrame> connect(StreamObserver<NetworkFrame> responses) {
            connects.incrementAndGet();
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentFrame frame) {
                    if (frame.hasRegister()) {
                        responses.onNext(NetworkFrame.newBuilder().setRegistered(RegisterAck.newBuilder()
                                .setState(AgentState.AGENT_STATE_ACTIVE).setLeaderEpoch(1)
                                .setHeartbeatIntervalMs(100).setAliveTimeoutMs(300)).build());
                    }
                }

                @Override
                public void onError(Throwable failure) { }

                @Override
                public void onCompleted() { }
            };
        }
    }

    /** A standby that has not noticed yet: it refuses every registration and names the old leader. */
    private static final class StaleStandby extends AgentChannelGrpc.AgentChannelImplBase {
        final AtomicInteger connects = new AtomicInteger();

        @Override
        public StreamObserver<AgentFrame> connect(StreamObserver<NetworkFrame> responses) {
            connects.incrementAndGet();
            responses.onError(Status.UNAVAILABLE.withDescription("this coordinator stands by; the leader is " + LEADER)
                    .asRuntimeException(LeaderHints.trailers(LEADER)));
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentFrame frame) { }

                @Override
                public void onError(Throwable failure) { }

                @Override
                public void onCompleted() { }
            };
        }
    }
}
