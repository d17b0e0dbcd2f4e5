package dev.vnet.bench;

import dev.vnet.proto.v1.Payload;
import dev.vnet.wire.Grpc;
import dev.vnet.wire.GrpcServers;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;

/**
 * The bare grpc-java echo that the {@code grpc-echo} scenario measures vnet against: one bidirectional stream
 * method that sends every message straight back, on the transport vnet's own servers use ({@link GrpcServers}:
 * Netty, handlers on the transport threads), and nothing else. It runs in a JVM of its own, like a coordinator,
 * started by {@link BareEcho}: it prints its port on the first line, and exits when its standard input closes,
 * so that it never outlives the bench that started it.
 */
final class BareEchoServer {

    /** Messages are vnet's {@code Payload}s: the same bytes on the wire as a request's payload, and no new contract. */
    static final MethodDescriptor<Payload, Payload> ECHO = MethodDescriptor.<Payload, Payload>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("vnet.bench.BareEcho", "Echo"))
            .setRequestMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Payload.getDefaultInstance()))
            .build();

    /** The largest payload it takes: vnet's own default request limit is far below. */
    static final int MAX_PAYLOAD_BYTES = 64 << 20;

    private BareEchoServer() {}

    public static void main(String[] args) throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("vnet.bench.BareEcho")
                .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall(BareEchoServer::stream))
                .build();
        Server server = GrpcServers.netty("127.0.0.1", 0, null).directExecutor()
                .maxInboundMessageSize(Grpc.maxMessageBytes(MAX_PAYLOAD_BYTES)).addService(echo).build().start();
        System.out.println(server.getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is read but the end: the parent closing the pipe, or dying.
        }
        server.shutdownNow();
    }

    private static StreamObserver<Payload> stream(StreamObserver<Payload> replies) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Payload message) {
                replies.onNext(message);
            }

            @Override
            public void onError(Throwable t) {
                // The client went away: nothing to answer.
            }

            @Override
            public void onCompleted() {
                replies.onCompleted();
            }
        };
    }
}
