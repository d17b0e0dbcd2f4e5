package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.client.ScriptedServer.Unary;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ContainerReply;
import dev.vnet.proto.v1.ListContainersRequest;
import dev.vnet.proto.v1.ListContainersResponse;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.ReleaseResponse;
import dev.vnet.proto.v1.SendResponse;
import dev.vnet.proto.v1.ServerFrame;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link VnetClient} promises (docs/SDK.md) for its calls, against a scripted network in-process: what each
 * call sends on the session stream, how its answer comes back, how every failure becomes a {@link VnetException}
 * with its code and message, and that every wait ends at its deadline.
 */
class VnetClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(ScriptedServer.WAIT_SECONDS);

    private final ScriptedServer network = new ScriptedServer("net-1:3737");
    private final VnetClient client = VnetClient.builder().network("net-1:3737").name("billing-api")
            .timeout(TIMEOUT).connector(ScriptedServer::channel).build();

    @AfterEach
    void close() {
        client.close();
        network.close();
    }

    /** A second client whose default timeout is short, for what must end at it. */
    private VnetClient impatient() {
        return VnetClient.builder().network("net-1:3737").timeout(Duration.ofMillis(300))
                .connector(ScriptedServer::channel).build();
    }

    @Test
    void getSendsTheOptionsOnTheSessionAndAnswersTheContainer() {
        SessionCall session = network.nextSession();
        assertThat(session.hello().getHello().getClientName()).isEqualTo("billing-api");
        session.welcome("s-1", 1000, 3000);
        assertThat(client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)).sessionId())
                .isEqualTo("s-1");

        CompletableFuture<ContainerRef> got = client.getAsync(GetOptions.kind("kv").uuid("u-1").labels("blue")
                .spec(Map.of("size", 3)).resources(0.5, 1024));
        ClientFrame get = session.nextGet();
        assertThat(get.getCallId()).isPositive();
        assertThat(get.getGet().getKind()).isEqualTo("kv");
        assertThat(get.getGet().getUuid()).isEqualTo("u-1");
        assertThat(get.getGet().getLabelsList()).containsExactly("blue");
        assertThat(Json.decode(get.getGet().getSpec(), Map.class)).isEqualTo(Map.of("size", 3));
        assertThat(get.getGet().getResources().getMemoryBytes()).isEqualTo(1024);
        session.answerGet(get, container("u-1", "kv", "agent-1", "agent-1:3738"), true, "ticket");

        ContainerRef ref = Futures.await(got);
        assertThat(ref.uuid()).isEqualTo("u-1");
        assertThat(ref.kind()).isEqualTo("kv");
        assertThat(ref.created()).isTrue();
        assertThat(ref.info().getAgentId()).isEqualTo("agent-1");
    }

    @Test
    void requestEncodesTheDataAndDecodesTheAnswer() {
        SessionCall session = network.openSession("s-1");
        CompletableFuture<Map<?, ?>> answer = CompletableFuture.supplyAsync(
                () -> client.request("u-1", "put", Map.of("key", "a"), Map.class));

        ClientFrame request = session.next();
        assertThat(request.hasRequest()).as("a routed request: %s", request).isTrue();
        assertThat(request.getRequest().getUuid()).isEqualTo("u-1");
        assertThat(request.getRequest().getOperation()).isEqualTo("put");
        assertThat(Json.decode(request.getRequest().getPayload(), Map.class)).isEqualTo(Map.of("key", "a"));
        assertThat(request.getRequest().getTimeoutMs()).as("the call's bound travels with it")
                .isEqualTo(TIMEOUT.toMillis());
        assertThat(request.getRequest().getIdempotent()).isFalse();
        session.answer(request, ServerFrame.newBuilder().setReply(ContainerReply.newBuilder()
                .setPayload(Json.encode(Map.of("stored", true)))));

        assertThat((Object) answer.join()).isEqualTo(Map.of("stored", true));
    }

    @Test
    void failuresKeepTheNetworksCodeAndMessage() {
        SessionCall session = network.openSession("s-1");

        CompletableFuture<ContainerRef> get = client.getAsync(GetOptions.kind("nope"));
        session.fail(session.nextGet(), Status.Code.NOT_FOUND, "no agent offers kind 'nope'", false);
        assertThatThrownBy(() -> Futures.await(get)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("NOT_FOUND: no agent offers kind 'nope'");
            assertThat(e.fromContainer()).isFalse();
        });

        CompletableFuture<Payload> thrown = client.requestAsync("u-1", "boom", null, CallOptions.DEFAULT);
        session.fail(session.next(), Status.Code.UNKNOWN, "IllegalStateException: boom", true);
        assertThatThrownBy(() -> Futures.await(thrown)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(e.reason()).isEqualTo("IllegalStateException: boom");
            assertThat(e.fromContainer()).as("the container's own failure").isTrue();
        });
    }

    @Test
    void aCallTheNetworkNeverAnswersFailsAtItsDeadline() {
        SessionCall session = network.openSession("s-1");

        long start = System.nanoTime();
        CompletableFuture<Payload> request = client.requestAsync("u-1", "slow", null,
                CallOptions.timeout(Duration.ofMillis(150)));
        assertThat(session.next().getRequest().getTimeoutMs()).isEqualTo(150);
        assertThatThrownBy(() -> Futures.await(request)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(e.reason()).isEqualTo("no answer within the call's deadline");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));

        // The blocking forms end at the client's default deadline.
        try (VnetClient impatient = impatient()) {
            network.openSession("s-2");
            assertThatThrownBy(() -> impatient.get(GetOptions.kind("kv"))).isInstanceOfSatisfying(
                    VnetException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThatThrownBy(() -> impatient.send("u-1", "note", "x")).isInstanceOfSatisfying(
                    VnetException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThatThrownBy(() -> impatient.containers(null, null, null)).isInstanceOfSatisfying(
                    VnetException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(network.nextListing().request().getKind()).isEmpty();
        }
    }

    @Test
    void sendAndReleaseRoundTrip() {
        SessionCall session = network.openSession("s-1");

        CompletableFuture<Void> sent = client.sendAsync("u-1", "note", "hello");
        ClientFrame send = session.next();
        assertThat(send.hasSend()).as("a one-way message: %s", send).isTrue();
        assertThat(send.getSend().getOperation()).isEqualTo("note");
        session.answer(send, ServerFrame.newBuilder().setSent(SendResponse.getDefaultInstance()));
        assertThat(sent.join()).isNull();

        CompletableFuture<ReleaseResponse> released = client.releaseWithOutcome("u-1");
        ClientFrame release = session.next();
        assertThat(release.getRelease().getUuid()).isEqualTo("u-1");
        session.answer(release, ServerFrame.newBuilder().setReleased(ReleaseResponse.newBuilder().setReferences(0)
                .setIdleTimeoutMs(60_000)));
        assertThat(released.join().getIdleTimeoutMs()).isEqualTo(60_000);

        CompletableFuture<Integer> refused = client.releaseAsync("u-2");
        session.fail(session.next(), Status.Code.NOT_FOUND, "no container u-2", false);
        assertThatThrownBy(() -> Futures.await(refused)).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.getMessage()).isEqualTo("NOT_FOUND: no container u-2"));
    }

    @Test
    void anIdempotentRequestIsSentOnceMoreWhenItsAgentDied() {
        SessionCall session = network.openSession("s-1");

        CompletableFuture<Payload> retried = client.requestAsync("u-1", "read", null,
                CallOptions.DEFAULT.withIdempotent());
        ClientFrame first = session.next();
        assertThat(first.getRequest().getIdempotent()).isTrue();
        session.fail(first, Status.Code.UNAVAILABLE, "agent agent-1 went away", false);
        ClientFrame second = session.next();
        assertThat(second.getRequest()).isEqualTo(first.getRequest());
        assertThat(second.getCallId()).isNotEqualTo(first.getCallId());
        session.answer(second, ServerFrame.newBuilder().setReply(ContainerReply.newBuilder()
                .setPayload(Json.encode(7))));
        assertThat(Json.decode(retried.join(), Integer.class)).isEqualTo(7);

        // Not when the container itself answered UNAVAILABLE, nor for a call not marked idempotent.
        CompletableFuture<Payload> containers = client.requestAsync("u-1", "read", null,
                CallOptions.DEFAULT.withIdempotent());
        session.fail(session.next(), Status.Code.UNAVAILABLE, "my database is down", true);
        CompletableFuture<Payload> plain = client.requestAsync("u-1", "write", null, CallOptions.DEFAULT);
        session.fail(session.next(), Status.Code.UNAVAILABLE, "agent agent-1 went away", false);
        assertThatThrownBy(() -> Futures.await(containers)).hasMessageContaining("my database is down");
        assertThatThrownBy(() -> Futures.await(plain)).hasMessageContaining("agent agent-1 went away");
        client.requestAsync("u-1", "marker", null, CallOptions.DEFAULT);
        assertThat(session.next().getRequest().getOperation()).as("nothing was sent again").isEqualTo("marker");
    }

    @Test
    void listingsAnswerAndMapTheirFailures() {
        network.openSession("s-1");
        CompletableFuture<List<String>> listed = CompletableFuture.supplyAsync(() -> client.containers("kv",
                List.of("blue"), null).stream().map(c -> c.getUuid()).toList());
        Unary<ListContainersRequest, ListContainersResponse> listing = network.nextListing();
        assertThat(listing.request().getKind()).isEqualTo("kv");
        assertThat(listing.request().getLabelsList()).containsExactly("blue");
        assertThat(listing.request().getAgentId()).isEmpty();
        listing.answer(ListContainersResponse.newBuilder()
                .addContainers(container("u-1", "kv", "agent-1", "agent-1:3738")).build());
        assertThat(listed.join()).containsExactly("u-1");

        CompletableFuture<List<?>> refused = CompletableFuture.supplyAsync(() -> client.containers(null, null, null));
        network.nextListing().fail(Status.PERMISSION_DENIED.withDescription("token lacks 'read'"));
        assertThatThrownBy(() -> Futures.await(refused)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.reason()).isEqualTo("token lacks 'read'");
        });
    }

    @Test
    void closingFailsWhatWaitsAndRefusesNewCalls() {
        SessionCall session = network.openSession("s-1");
        CompletableFuture<Payload> inFlight = client.requestAsync("u-1", "slow", null,
                CallOptions.timeout(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS * 2)));
        session.next();

        client.close();

        assertThat(session.endedByClient().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThatThrownBy(() -> Futures.await(inFlight)).isInstanceOfSatisfying(VnetException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.reason()).contains("the client is closed").contains("may or may not have run");
        });
        assertThatThrownBy(() -> client.get(GetOptions.kind("kv"))).isInstanceOfSatisfying(VnetException.class,
                e -> assertThat(e.getMessage()).isEqualTo("CANCELLED: the client is closed"));
    }
}
