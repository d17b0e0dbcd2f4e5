package dev.vnet.client;

import static dev.vnet.client.ScriptedServer.await;
import static dev.vnet.client.ScriptedServer.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.client.ScriptedServer.SessionCall;
import dev.vnet.client.ScriptedServer.WatchCall;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.wire.DaemonThreads;
import dev.vnet.wire.LeaderHints;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Event watches ({@link EventWatch}) against scripted coordinators in-process: what a watch asks for, what it hands
 * on, and that it subscribes again by itself after its stream broke, fell silent or its session moved to another
 * coordinator, until it is closed (docs/SDK.md).
 */
class EventWatchTest {

    private static final Event ADDED = Event.newBuilder().setKind(EventKind.EVENT_KIND_CONTAINER_ADDED)
            .setContainer(container("u-1", "kv", "agent-1", "agent-1:3738")).build();

    private final ScriptedServer network = new ScriptedServer("net-1:3737");
    private final ScriptedServer other = new ScriptedServer("net-2:3737");
    private final VnetClient client = VnetClient.builder().network("net-1:3737,net-2:3737")
            .timeout(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS)).connector(ScriptedServer::channel).build();
    private final LinkedBlockingQueue<Event> heard = new LinkedBlockingQueue<>();
    /** The network's side of pinging: what a coordinator's timer does for a watch that asked for pings. */
    private final ScheduledExecutorService pinger = DaemonThreads.scheduler("scripted-pings");

    @AfterEach
    void close() {
        pinger.shutdownNow();
        client.close();
        network.close();
        other.close();
    }

    /** Opens the session with these liveness figures, then a watch; answers the watch's call at the network. */
    private WatchCall watch(long pingIntervalMs, long aliveTimeoutMs, boolean snapshot, EventKind... kinds) {
        SessionCall session = network.nextSession();
        session.hello();
        session.welcome("s-1", pingIntervalMs, aliveTimeoutMs);
        client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS));
        client.watch(heard::add, snapshot, kinds);
        return network.nextWatch();
    }

    @Test
    void aWatchAsksForWhatItWantsWithPingsAndHandsOnEventsButNotPings() {
        WatchCall watch = watch(250, 3000, true, EventKind.EVENT_KIND_CONTAINER_ADDED);
        assertThat(watch.request.getSnapshot()).isTrue();
        assertThat(watch.request.getKindsList()).containsExactly(EventKind.EVENT_KIND_CONTAINER_ADDED);
        assertThat(watch.request.getPingIntervalMs()).as("the session's ping interval").isEqualTo(250);

        watch.ping();
        watch.send(ADDED);

        assertThat(ScriptedServer.next(heard, "event")).isEqualTo(ADDED);
        assertThat(heard).isEmpty();
    }

    @Test
    void pingIsNotAKindToWatch() {
        assertThatThrownBy(() -> client.watch(heard::add, false, EventKind.EVENT_KIND_PING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EVENT_KIND_PING");
    }

    @Test
    void aBrokenWatchSubscribesAgainWithItsSnapshot() {
        WatchCall first = watch(1000, 3000, true);

        first.end(Status.UNAVAILABLE.withDescription("coordinator restarting"));

        WatchCall second = network.nextWatch();
        assertThat(second.request).isEqualTo(first.request);
        second.send(ADDED);
        assertThat(ScriptedServer.next(heard, "event on the new watch")).isEqualTo(ADDED);
    }

    @Test
    void aSilentWatchIsGivenUpAndSubscribedAgain() {
        WatchCall first = watch(100, 1500, false);
        assertThat(first.request.getPingIntervalMs()).isEqualTo(100);
        AtomicInteger pinged = new AtomicInteger();
        ScheduledFuture<?> pinging = pinger.scheduleAtFixedRate(() -> {
            first.ping();
            pinged.incrementAndGet();
        }, 0, 100, TimeUnit.MILLISECONDS);

        await("twenty pings (over 1.9 s, alive timeout 1.5 s)", () -> pinged.get() >= 20);
        assertThat(first.isCancelled()).as("a pinged watch is alive").isFalse();
        assertThat(network.noWatchWithin(Duration.ZERO)).isTrue();

        pinging.cancel(false);

        first.awaitCancelled();
        WatchCall second = network.nextWatch();
        second.send(ADDED);
        assertThat(ScriptedServer.next(heard, "event on the new watch")).isEqualTo(ADDED);
    }

    @Test
    void aClosedWatchIsCancelledAndNotSubscribedAgain() {
        WatchCall watch = watch(1000, 3000, false);
        Subscription subscription = client.watch(heard::add, false);
        WatchCall closing = network.nextWatch();

        subscription.close();

        closing.awaitCancelled();
        assertThat(watch.isCancelled()).as("the other watch goes on").isFalse();
        // Longer than the first retry can wait (100 ms at most).
        assertThat(network.noWatchWithin(Duration.ofMillis(500))).isTrue();
    }

    @Test
    void closingTheClientEndsItsWatches() {
        WatchCall watch = watch(1000, 3000, false);

        client.close();

        watch.awaitCancelled();
        assertThat(network.noWatchWithin(Duration.ofMillis(500))).isTrue();
    }

    @Test
    void aWatchFollowsTheSessionToTheNewLeader() {
        SessionCall session = network.nextSession();
        session.hello();
        session.welcome("s-1", 1000, 3000);
        client.awaitConnected(Duration.ofSeconds(ScriptedServer.WAIT_SECONDS));
        client.watch(heard::add, true);
        WatchCall atOldLeader = network.nextWatch();

        session.end(Status.UNAVAILABLE.withDescription("deposed"), LeaderHints.trailers("net-2:3737"));
        other.openSession("s-2");

        atOldLeader.awaitCancelled();
        WatchCall atNewLeader = other.nextWatch();
        assertThat(atNewLeader.request.getSnapshot()).isTrue();
        atNewLeader.send(ADDED);
        assertThat(ScriptedServer.next(heard, "event from the new leader")).isEqualTo(ADDED);
    }
}
