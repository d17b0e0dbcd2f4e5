package dev.vnet.security;

import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.AgentChannelGrpc;
import dev.vnet.proto.v1.AgentGrpc;
import dev.vnet.proto.v1.NetworkGrpc;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.GrpcServers;
import dev.vnet.wire.ServerGuard;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server with every vnet service unimplemented behind the given security, and a way to call any method. */
final class Probe {

    static final List<ServiceDescriptor> SERVICES = List.of(NetworkGrpc.getServiceDescriptor(),
            AgentChannelGrpc.getServiceDescriptor(), AdminGrpc.getServiceDescriptor(), AgentGrpc.getServiceDescriptor());

    private static final ScheduledExecutorService TIMERS = DaemonThreads.scheduler("probe-timers");

    private Probe() {}

    /** Answers UNIMPLEMENTED to every call that gets past the interceptor. */
    static Server start(AuthInterceptor auth, ServerTls tls) {
        List<BindableService> unimplemented = List.of(new NetworkGrpc.NetworkImplBase() { },
                new AgentChannelGrpc.AgentChannelImplBase() { }, new AdminGrpc.AdminImplBase() { },
                new AgentGrpc.AgentImplBase() { });
        return GrpcServers.start("127.0.0.1", 0, 1 << 20, unimplemented, List.of(auth), new HealthStatusManager(), tls,
                new ServerGuard(new ServerGuard.Limits(100, "test.max-streams", Duration.ofSeconds(10), "test.first"),
                        TIMERS));
    }

    static Stream<MethodDescriptor<?, ?>> methods() {
        return SERVICES.stream().flatMap(service -> service.getMethods().stream());
    }

    /** Calls {@code method} with an empty request and answers the status it closes with. */
    @SuppressWarnings("unchecked")
    static Status call(Channel channel, MethodDescriptor<?, ?> method) {
        MethodDescriptor<Object, Object> generic = (MethodDescriptor<Object, Object>) method;
        Object request = ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
        ClientCall<Object, Object> call = channel.newCall(generic, CallOptions.DEFAULT.withDeadlineAfter(5,
                TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method.getFullMethodName() + " did not close: " + e, e);
        }
    }
}
