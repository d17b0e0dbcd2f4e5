package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.BroadcastListener;
import dev.vnet.client.Connection;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Subscription;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.Payload;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A frozen (SIGSTOP) leading coordinator keeps its connections open and says nothing. The SDK's event watch and its
 * connection through the network hear its pings stop and give it up within the alive timeout, by themselves: the
 * replicas here have a long lease, so no standby takes over (and no session moves) before they must have noticed.
 * Once the standby leads, the watch resumes there.
 */
class FrozenLeaderStreamsIT {

    /** The network's default, which the SDK learns from its session's welcome. */
    private static final Duration ALIVE_TIMEOUT = Duration.ofSeconds(3);
    /** Failure bound of the streams noticing the silence: the alive timeout, with room for a loaded machine. */
    private static final Duration NOTICED_WITHIN = ALIVE_TIMEOUT.plusSeconds(5);
    /**
     * Longer than that bound, so that nobody takes over while the streams must notice the silence on their own; not
     * much longer, since the test then waits it out for the watch to resume on the standby.
     */
    private static final Duration LEASE = NOTICED_WITHIN.plusSeconds(4);
    /** The SDK's event watch, which says at DEBUG why each subscription ended. */
    private static final Logger WATCH_LOG = Logger.getLogger("dev.vnet.client.EventWatch");

    @Test
    void anSdkWatchAndConnectionNoticeAFrozenLeaderWithinTheAliveTimeoutAndTheWatchResumesOnTheNewLeader()
            throws Exception {
        List<String> watchEnds = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                watchEnds.add(record.getMessage());
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        handler.setLevel(Level.ALL);
        Level levelBefore = WATCH_LOG.getLevel();
        WATCH_LOG.setLevel(Level.FINE);
        WATCH_LOG.addHandler(handler);
        try (VnetProcesses processes = new VnetProcesses()) {
            Map<String, String> lease = Map.of("vnet.network.leader.lease", LEASE.toSeconds() + "s");
            VnetProcess first = processes.network("replica-1", with(lease, "vnet.network.replica-id", "replica-1"));
            VnetProcess second = processes.network("replica-2", with(lease, "vnet.network.replica-id", "replica-2"));
            String endpoints = first.endpoint() + "," + second.endpoint();
            await().atMost(READY).until(() -> leads(first) != leads(second));
            VnetProcess leader = leads(first) ? first : second;
            String standbyId = leader == first ? "replica-2" : "replica-1";
            processes.agent("agent-1", endpoints, Map.of()).awaitReady(READY);

            try (VnetClient client = VnetClient.builder().network(endpoints).timeout(Duration.ofSeconds(10)).build()
                    .awaitConnected(READY)) {
                client.get(GetOptions.kind("chat").uuid("lobby"));
                CompletableFuture<String> closed = new CompletableFuture<>();
                Connection connection = client.connect("lobby", new BroadcastListener() {
                    @Override
                    public void onBroadcast(Payload payload) { }

                    @Override
                    public void onClosed(String reason) {
                        closed.complete(reason);
                    }
                });
                List<Event> leaders = new CopyOnWriteArrayList<>();
                try (Subscription watch = client.watch(leaders::add, true, EventKind.EVENT_KIND_LEADER_CHANGED)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> !leaders.isEmpty());
                    assertThat(connection.isOpen()).isTrue();
                    watchEnds.clear();

                    long frozenAt = System.nanoTime();
                    leader.signal("STOP");
                    try {
                        String silent = "the network at " + leader.endpoint() + " was silent for";
                        await().atMost(NOTICED_WITHIN).until(() -> closed.isDone()
                                && watchEnds.stream().anyMatch(m -> m.contains(silent)));
                        System.out.printf("leader frozen: the connection and the watch gave it up after %d ms%n",
                                (System.nanoTime() - frozenAt) / 1_000_000);
                        assertThat(closed.join()).contains(silent).endsWith("connect again");
                        assertThat(connection.isOpen()).isFalse();

                        await().atMost(LEASE.plusSeconds(20)).until(() -> leaders.stream().anyMatch(e ->
                                e.getLeader().getHolder().equals(standbyId)));
                        System.out.printf("leader frozen: the watch resumed on %s after %d ms%n", standbyId,
                                (System.nanoTime() - frozenAt) / 1_000_000);
                    } finally {
                        leader.signal("CONT");
                    }
                }
            }
        } finally {
            WATCH_LOG.removeHandler(handler);
            WATCH_LOG.setLevel(levelBefore);
        }
    }

    private static boolean leads(VnetProcess replica) {
        return replica.isAlive() && replica.healthStatus("ready") == 200;
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> all = new HashMap<>(settings);
        all.put(key, value);
        return all;
    }
}
