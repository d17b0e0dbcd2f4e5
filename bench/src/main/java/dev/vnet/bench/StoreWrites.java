package dev.vnet.bench;

import dev.vnet.it.support.TestDatabase;
import dev.vnet.runtime.AgentRuntime;
import dev.vnet.runtime.Container;
import dev.vnet.runtime.ContainerContext;
import dev.vnet.runtime.ContainerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What heartbeats cost the store: many agents (in this JVM) heartbeat every second to a spawned coordinator, and
 * PostgreSQL's own statistics say how many transactions and node_health row writes that makes.
 */
final class StoreWrites {

    /** PostgreSQL publishes its statistics with a delay of about a second. */
    static final Duration STATISTICS_DELAY = Duration.ofMillis(1500);

    private StoreWrites() {}

    static Measurement measure(Bench options) throws Exception {
        if (!options.spawn) {
            throw new IllegalArgumentException("store-writes reads the spawned coordinator's database: use --spawn");
        }
        try (Cluster cluster = Cluster.spawn(Map.of())) {
            List<AgentRuntime> agents = new ArrayList<>();
            try {
                for (int i = 0; i < options.agents; i++) {
                    agents.add(AgentRuntime.builder().agentId("heartbeating-" + i).network(cluster.endpoint())
                            .host("127.0.0.1").port(0).workerThreads(1).kind(new Idle()).build().start());
                }
                CompletableFuture.allOf(agents.stream().map(AgentRuntime::registered)
                        .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                Thread.sleep(options.warmup.toMillis());
                TestDatabase database = cluster.processes().database();
                long[] before = counters(database);
                cluster.startMeasuring();
                long started = System.nanoTime();
                Thread.sleep(options.duration.toMillis() + STATISTICS_DELAY.toMillis());
                long[] after = counters(database);
                double seconds = (System.nanoTime() - started) / 1e9 - STATISTICS_DELAY.toMillis() / 1e3;
                Map<String, Double> figures = new LinkedHashMap<>();
                figures.put("transactionsPerSecond", (after[0] - before[0]) / seconds);
                figures.put("nodeHealthRowWritesPerSecond", (after[1] - before[1]) / seconds);
                figures.put("heartbeatsPerSecond", (double) options.agents);
                return Measurement.figures("store-writes", Map.of("agents", options.agents), figures, cluster.use());
            } finally {
                agents.forEach(agent -> agent.close(Duration.ofMillis(100)));
            }
        }
    }

    /** Committed transactions in the database, and rows written to node_health. */
    static long[] counters(TestDatabase database) {
        long transactions = Long.parseLong(database.query(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").get(0));
        List<String> rows = database.query(
                "SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'node_health'");
        return new long[] {transactions, rows.isEmpty() ? 0 : Long.parseLong(rows.get(0))};
    }

    /** A kind nobody calls: these agents exist only to heartbeat. */
    private static final class Idle implements ContainerKind {
        @Override
        public String name() {
            return "idle";
        }

        @Override
        public Container create(ContainerContext context) {
            return call -> call.payload();
        }
    }
}
