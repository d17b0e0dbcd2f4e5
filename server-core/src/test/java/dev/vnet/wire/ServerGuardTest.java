package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.GetResponse;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Pong;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.security.ChannelSecurity;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerGuardTest {

    private static final int MAX_CALLS = 3;

    /** Answers each session frame with a pong; fails every get with a very long message. */
    private static final class Service extends NetworkGrpc.NetworkImplBase {
        @Override
        public StreamObserver<ClientFrame> session(StreamObserver<ServerFrame> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(ClientFrame frame) {
                    responses.onNext(ServerFrame.newBuilder().setCallId(frame.getCallId())
                            .setPong(Pong.getDefaultInstance()).build());
                }

                @Override
                public void onError(Throwable t) { }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }

        @Override
        public void get(GetRequest request, StreamObserver<GetResponse> responses) {
            responses.onError(Status.FAILED_PRECONDITION.withDescription("y".repeat(100_000)).asRuntimeException());
        }
    }

    private final ScheduledExecutorService timers = DaemonThreads.scheduler("guard-test");
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        ServerGuard guard = new ServerGuard(new ServerGuard.Limits(MAX_CALLS, "test.max-streams",
                Duration.ofMillis(300), "test.first-message-timeout"), timers);
        server = GrpcServers.start("127.0.0.1", 0, 1 << 20, List.<BindableService>of(new Service()), List.of(),
                new HealthStatusManager(), null, guard);
        channel = channel();
    }

    private ManagedChannel channel() {
        return Grpc.channel(new Endpoint("127.0.0.1", server.getPort()), 1 << 20, ChannelSecurity.NONE);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        timers.shutdownNow();
    }

    private StreamObserver<ClientFrame> openSession(ManagedChannel on, Received<ServerFrame> stream) {
        StreamObserver<ClientFrame> frames = NetworkGrpc.newStub(on).session(stream);
        frames.onNext(ClientFrame.newBuilder().setCallId(1).build());
        return frames;
    }

    @Test
    void aRequestThatDoesNotDecodeIsAnInvalidArgumentAndTheServerServesOn() throws Exception {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x12, 0x7f, 0x01};

        Status status = RawCalls.send(channel, NetworkGrpc.getGetMethod(), garbage, true).get(30, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("vnet.v1.Network/Get").contains("not a valid request");
        Received<ServerFrame> stream = new Received<>();
        openSession(channel, stream);
        assertThat(stream.next().hasPong()).isTrue();
    }

    @Test
    void aConnectionPastItsCallLimitIsRefusedWhileOtherConnectionsAreServed() throws Exception {
        for (int i = 0; i < MAX_CALLS; i++) {
            Received<ServerFrame> open = new Received<>();
            openSession(channel, open);
            open.next();
        }

        Received<ServerFrame> refused = new Received<>();
        openSession(channel, refused);
        Status status = refused.end();
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("3 calls open").contains("test.max-streams");

        ManagedChannel other = channel();
        try {
            Received<ServerFrame> elsewhere = new Received<>();
            openSession(other, elsewhere);
            assertThat(elsewhere.next().hasPong()).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aCallsEndGivesItsPlaceBack() throws Exception {
        for (int round = 0; round < 3 * MAX_CALLS; round++) {
            Received<ServerFrame> stream = new Received<>();
            StreamObserver<ClientFrame> frames = openSession(channel, stream);
            assertThat(stream.next().hasPong()).isTrue();
            frames.onCompleted();
            assertThat(stream.end().getCode()).isEqualTo(Status.Code.OK);
        }
    }

    @Test
    void aStreamThatSendsNothingEndsAtTheFirstMessageDeadline() throws Exception {
        Received<ServerFrame> silent = new Received<>();
        NetworkGrpc.newStub(channel).session(silent);
        Received<ServerFrame> talking = new Received<>();
        openSession(channel, talking);

        Status status = silent.end();

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("no message within 300 ms")
                .contains("test.first-message-timeout");
        assertThat(talking.next().hasPong()).isTrue();
        assertThat(talking.ended()).as("a stream that spoke is not ended").isFalse();
    }

    @Test
    void aLongStatusMessageArrivesCut() {
        assertThatThrownBy(() -> NetworkGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .get(GetRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).startsWith("yyyy").contains("cut: 100000 bytes")
                            .hasSizeLessThanOrEqualTo(Errors.MAX_MESSAGE_BYTES);
                });
    }
}
