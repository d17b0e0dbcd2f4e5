package dev.vnet.bench;

import dev.vnet.proto.v1.Payload;
import dev.vnet.security.ChannelSecurity;
import dev.vnet.wire.Endpoint;
import dev.vnet.wire.Grpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link BareEchoServer} in a JVM of its own and one bidirectional stream to it: the reference a routed request
 * is compared with. Calls go out on the one stream and come back in order, so each reply completes the oldest
 * pending call, the way the SDK's session stream carries routed requests (there matched by id).
 */
final class BareEcho implements AutoCloseable {

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(60);

    private final Process server;
    private final ManagedChannel channel;
    private final StreamObserver<Payload> requests;
    /** Calls sent and not yet answered, oldest first; guarded by itself, which also orders the sends. */
    private final Queue<CompletableFuture<Payload>> pending = new ArrayDeque<>();

    private BareEcho(Process server, int port) {
        this.server = server;
        this.channel = Grpc.channel(new Endpoint("127.0.0.1", port),
                Grpc.maxMessageBytes(BareEchoServer.MAX_PAYLOAD_BYTES), ChannelSecurity.NONE);
        this.requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(BareEchoServer.ECHO, CallOptions.DEFAULT),
                new StreamObserver<>() {
                    @Override
                    public void onNext(Payload reply) {
                        CompletableFuture<Payload> oldest;
                        synchronized (pending) {
                            oldest = pending.poll();
                        }
                        if (oldest != null) {
                            oldest.complete(reply);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        failPending(t);
                    }

                    @Override
                    public void onCompleted() {
                        failPending(Status.UNAVAILABLE.withDescription("the echo stream ended").asException());
                    }
                });
    }

    /** Starts the server (its output in {@code logs}) and opens the stream; fails within a minute, not later. */
    static BareEcho start(Path logs) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                BareEchoServer.class.getName()));
        Process process;
        try {
            Files.createDirectories(logs);
            process = new ProcessBuilder(command).redirectError(logs.resolve("grpc-echo.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bare gRPC echo server", e);
        }
        try {
            return new BareEcho(process, firstLine(process));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The port the server prints on its first line. */
    private static int firstLine(Process process) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String port = line.get(STARTED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            if (port == null) {
                throw new IllegalStateException("the bare gRPC echo server exited before it listened");
            }
            return Integer.parseInt(port.trim());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the bare gRPC echo server did not listen within " + STARTED_WITHIN);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the bare gRPC echo server's port", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends {@code payload}; the future completes with its echo, or fails after {@code timeout}. */
    CompletableFuture<Payload> echo(Payload payload, Duration timeout) {
        CompletableFuture<Payload> reply = new CompletableFuture<>();
        synchronized (pending) {
            pending.add(reply);
            requests.onNext(payload);
        }
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void failPending(Throwable cause) {
        List<CompletableFuture<Payload>> failed;
        synchronized (pending) {
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        failed.forEach(call -> call.completeExceptionally(cause));
    }

    @Override
    public void close() {
        synchronized (pending) {
            requests.onCompleted();
        }
        Grpc.close(channel, 1000);
        try {
            server.getOutputStream().close();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
