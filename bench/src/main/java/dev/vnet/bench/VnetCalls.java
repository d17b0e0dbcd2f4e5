package dev.vnet.bench;

import dev.vnet.client.CallOptions;
import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ContainerRequest;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.proto.v1.Payload;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The calls the request scenarios keep in flight against a network: requests to one {@code echo} container
 * (routed, direct, unary; their replies compared with what was sent by {@link SampledEchoCheck}) and gets
 * (create, get-existing). Holds the client and the channel they use until closed.
 */
final class VnetCalls implements AutoCloseable {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final VnetClient client;
    private final ContainerRef echo;
    private final ManagedChannel unary;
    private final UntimedReleases releases;
    private final Payload payload;

    VnetCalls(VnetClient client, String endpoint, Payload payload) {
        this.client = client;
        this.payload = payload;
        this.echo = client.get(GetOptions.kind("echo").uuid("bench-echo"));
        this.unary = Grpc.channel(Endpoint.parse(endpoint), Grpc.maxMessageBytes(8 << 20), ChannelSecurity.NONE);
        this.releases = new UntimedReleases(client);
    }

    /** One call of {@code scenario}, as a supplier for {@link ClosedLoop}. */
    Supplier<CompletableFuture<?>> of(String scenario) {
        return switch (scenario) {
            case "routed" -> SampledEchoCheck.of(() -> client.requestAsync(echo.uuid(), "echo", payload,
                    CallOptions.timeout(CALL_TIMEOUT)), payload);
            case "direct" -> SampledEchoCheck.of(() -> echo.requestDirectAsync("echo", payload,
                    CallOptions.timeout(CALL_TIMEOUT)), payload);
            case "unary" -> SampledEchoCheck.of(unaryRequest(), payload);
            case "create" -> () -> releases.releaseAfter(client.getAsync(GetOptions.kind("echo")));
            case "get-existing" -> () -> client.getAsync(GetOptions.kind("echo").uuid("bench-echo"));
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    /** {@code outcome} with the failed releases of create added to its errors. */
    ClosedLoop.Outcome withReleaseFailures(ClosedLoop.Outcome outcome) {
        return releases.addFailuresTo(outcome);
    }

    /** A routed request through the plain unary RPC, as grpcurl and other languages make it. */
    private Supplier<CompletableFuture<Payload>> unaryRequest() {
        NetworkGrpc.NetworkStub stub = NetworkGrpc.newStub(unary);
        ContainerRequest request = ContainerRequest.newBuilder().setUuid(echo.uuid()).setOperation("echo")
                .setPayload(payload).setTimeoutMs(CALL_TIMEOUT.toMillis()).build();
        return () -> {
            CompletableFuture<Payload> reply = new CompletableFuture<>();
            stub.request(request, new StreamObserver<ContainerReply>() {
                @Override
                public void onNext(ContainerReply value) {
                    reply.complete(value.getPayload());
                }

                @Override
                public void onError(Throwable t) {
                    reply.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {}
            });
            return reply;
        };
    }

    @Override
    public void close() {
        unary.shutdownNow();
    }
}
