package dev.vnet.wire;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every vnet gRPC server enforces below its services, before a handler sees a call:
 * <ul>
 *   <li>a request that does not decode is refused with INVALID_ARGUMENT, and logged at most once a second per cause
 *       (gRPC itself answers UNKNOWN and logs a stack trace per message);</li>
 *   <li>one client connection has at most so many calls open; more are refused with RESOURCE_EXHAUSTED;</li>
 *   <li>a call must send its first message within a deadline, else it ends with DEADLINE_EXCEEDED (a stream that
 *       never says who it is would otherwise stay open for ever);</li>
 *   <li>every status a call ends with has its description cut to {@link Errors#MAX_MESSAGE_BYTES}.</li>
 * </ul>
 * Requests are decoded here rather than by gRPC, so that a failure can be answered; it costs nothing more.
 */
public final class ServerGuard {

    private static final System.Logger LOG = System.getLogger(ServerGuard.class.getName());
    private static final Attributes.Key<AtomicInteger> OPEN_CALLS = Attributes.Key.create("vnet.open-calls");

    /** Passes a request's bytes through undecoded: {@link ServerGuard} decodes them itself. */
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /**
     * The limits, with the names of the settings that set them (named in refusals).
     *
     * @param maxCallsPerConnection calls one client connection may have open at once
     * @param firstMessageTimeout how long a call may wait before sending its first message
     */
    public record Limits(int maxCallsPerConnection, String maxCallsSetting, Duration firstMessageTimeout,
            String firstMessageSetting) {

        public Limits {
            if (maxCallsPerConnection < 1 || firstMessageTimeout.isNegative() || firstMessageTimeout.isZero()) {
                throw new IllegalArgumentException(maxCallsSetting + " and " + firstMessageSetting
                        + " must be positive (" + maxCallsPerConnection + ", " + firstMessageTimeout + ")");
            }
        }
    }

    /** How often calls past their first-message deadline are looked for. */
    private static final long SWEEP_MS = 100;

    private final Limits limits;
    private final ThrottledLog undecodable = new ThrottledLog(LOG);
    /**
     * Calls waiting for their first message, oldest first: they all have the same timeout, so this is also the order
     * of their deadlines. A queue swept a few times a second costs a call far less than a timer of its own; a call
     * that spoke or ended leaves only its small entry behind, until its deadline.
     */
    private final ConcurrentLinkedQueue<Awaiting> awaitingFirstMessage = new ConcurrentLinkedQueue<>();

    /** One call's place in {@link #awaitingFirstMessage}. */
    private static final class Awaiting {
        final long deadlineNanos;
        volatile GuardedCall<?, ?> call;

        Awaiting(long deadlineNanos, GuardedCall<?, ?> call) {
            this.deadlineNanos = deadlineNanos;
            this.call = call;
        }
    }

    /** @param timers runs the sweep for silent calls; it stops with them */
    public ServerGuard(Limits limits, ScheduledExecutorService timers) {
        this.limits = limits;
        timers.scheduleWithFixedDelay(this::endSilentCalls, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    private void endSilentCalls() {
        long now = System.nanoTime();
        Awaiting oldest;
        while ((oldest = awaitingFirstMessage.peek()) != null && oldest.deadlineNanos - now <= 0) {
            awaitingFirstMessage.poll();
            GuardedCall<?, ?> silent = oldest.call;
            if (silent != null) {
                silent.closeIfSilent(Status.DEADLINE_EXCEEDED.withDescription("no message within "
                        + limits.firstMessageTimeout().toMillis() + " ms of the call's start ("
                        + limits.firstMessageSetting() + "); send the first message at once"));
            }
        }
    }

    /** Gives every client connection its count of open calls; install it on the server. */
    public ServerTransportFilter connectionCounter() {
        return new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attributes) {
                return attributes.toBuilder().set(OPEN_CALLS, new AtomicInteger()).build();
            }
        };
    }

    /** The service with every method guarded. Reflection still sees the same service and schema. */
    public ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded = guard(method);
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(guarded::addMethod);
        return guarded.build();
    }

    private <Q, R> ServerMethodDefinition<InputStream, R> guard(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw = method.toBuilder(RAW, method.getResponseMarshaller()).build();
        ServerCallHandler<InputStream, R> handler = (call, headers) -> start(definition, call, headers);
        return ServerMethodDefinition.create(raw, handler);
    }

    private <Q, R> ServerCall.Listener<InputStream> start(ServerMethodDefinition<Q, R> definition,
            ServerCall<InputStream, R> call, Metadata headers) {
        GuardedCall<Q, R> guarded = new GuardedCall<>(call, definition.getMethodDescriptor());
        AtomicInteger open = call.getAttributes().get(OPEN_CALLS);
        if (open != null && open.incrementAndGet() > limits.maxCallsPerConnection()) {
            open.decrementAndGet();
            guarded.close(Status.RESOURCE_EXHAUSTED.withDescription("this connection already has "
                    + limits.maxCallsPerConnection() + " calls open, the most allowed ("
                    + limits.maxCallsSetting() + "); end some, or open another connection"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        guarded.awaiting = new Awaiting(System.nanoTime() + limits.firstMessageTimeout().toNanos(), guarded);
        awaitingFirstMessage.add(guarded.awaiting);
        GuardedListener<Q, R> listener = new GuardedListener<>(guarded, open);
        listener.handler = definition.getServerCallHandler().startCall(guarded, headers);
        return listener;
    }

    /**
     * The call as handlers see it: typed requests, and closable by the guard from any thread. Once the guard has
     * closed it, what the handler still writes is dropped (gRPC would throw instead).
     */
    private static final class GuardedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> method;
        Awaiting awaiting;
        private boolean closed;
        /** The first message came, or the call is over: the first-message deadline no longer applies. */
        private boolean heard;
        private volatile boolean closedByGuard;

        GuardedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        /** The first message arrived, or the call ended: answers false when the call was already closed. */
        synchronized boolean heard() {
            heard = true;
            awaiting.call = null;
            return !closed;
        }

        synchronized void closeIfSilent(Status status) {
            if (!heard) {
                closeByGuard(status);
            }
        }

        synchronized void closeByGuard(Status status) {
            if (!closed) {
                closedByGuard = true;
                close(status, new Metadata());
            }
        }

        boolean closedByGuard() {
            return closedByGuard;
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                call.close(Errors.cut(status), trailers);
            }
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                call.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                call.sendMessage(message);
            }
        }

        @Override
        public boolean isReady() {
            return !closedByGuard && call.isReady();
        }

        @Override
        public void request(int count) {
            call.request(count);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public io.grpc.SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }

    /**
     * Decodes each request for the handler, and keeps the handler's view consistent: once the guard ended the call,
     * the handler hears only that it was cancelled. Every event comes on the call's transport thread.
     */
    private final class GuardedListener<Q, R> extends ServerCall.Listener<InputStream> {
        private final GuardedCall<Q, R> call;
        private final AtomicInteger open;
        ServerCall.Listener<Q> handler;
        private boolean first = true;

        GuardedListener(GuardedCall<Q, R> call, AtomicInteger open) {
            this.call = call;
            this.open = open;
        }

        @Override
        public void onMessage(InputStream raw) {
            if (first) {
                first = false;
                if (!call.heard()) {
                    return;
                }
            }
            if (call.closedByGuard()) {
                return;
            }
            Q request;
            try {
                request = call.getMethodDescriptor().parseRequest(raw);
            } catch (RuntimeException undecodable) {
                refuse(undecodable);
                return;
            }
            handler.onMessage(request);
        }

        private void refuse(RuntimeException undecodable) {
            String method = call.getMethodDescriptor().getFullMethodName();
            Status parsed = Status.fromThrowable(undecodable);
            String reason = parsed.getCause() != null ? parsed.getCause().getMessage() : parsed.getDescription();
            ServerGuard.this.undecodable.log(Level.WARNING, method + " " + reason, () -> "refused a message on "
                    + method + " from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                    + " that does not decode: " + reason);
            call.closeByGuard(Status.INVALID_ARGUMENT.withDescription("the message is not a valid request of "
                    + method + " (" + reason + ")"));
        }

        @Override
        public void onHalfClose() {
            if (!call.closedByGuard()) {
                handler.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!call.closedByGuard()) {
                handler.onReady();
            }
        }

        @Override
        public void onCancel() {
            ended();
            handler.onCancel();
        }

        @Override
        public void onComplete() {
            ended();
            if (call.closedByGuard()) {
                handler.onCancel(); // the handler never closed this call: to it, it was cancelled
            } else {
                handler.onComplete();
            }
        }

        private void ended() {
            call.heard();
            if (open != null) {
                open.decrementAndGet();
            }
        }
    }
}
