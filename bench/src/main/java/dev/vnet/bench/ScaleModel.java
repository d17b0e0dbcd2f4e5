package dev.vnet.bench;

import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import java.time.Duration;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The registry scenario: one coordinator (of two replicas) taken to {@code containers} containers on fake agents,
 * and what that costs and allows. In order: the event fan-out of the registration to the watchers, the store writes
 * of the agents' heartbeats, the leader's heap per container, the get-or-create rate on existing containers, and the
 * takeover: the leader dies, and the standby restores the registry from the store until every container runs again.
 */
final class ScaleModel {

    private static final Pattern RUNNING = Pattern.compile(
            "(?m)^vnet_containers_by_state\\{[^}]*state=\"running\"[^}]*\\} ([0-9.E+]+)");
    private static final Pattern RESTORED = Pattern.compile(
            "restored \\d+ agents and (\\d+) containers from the store in (\\d+) ms \\(read (\\d+) ms, registry (\\d+) ms\\)");
    /** Failure bounds for a million containers on a busy two-core machine; a passing run never waits them out. */
    private static final Duration SETTLED = Duration.ofMinutes(10);
    private static final Duration QUIET = Duration.ofSeconds(2);

    private ScaleModel() {}

    static Measurement measure(Bench options, int containers) throws Exception {
        try (VnetProcesses processes = new VnetProcesses(List.of("-Xmx" + options.coordinatorHeap))) {
            VnetProcess first = processes.network("replica-1", replica("replica-1"));
            VnetProcess second = processes.network("replica-2", replica("replica-2"));
            // Not the harness's bound for one boot: two boot at once, and on a shared machine that took minutes.
            await("a replica to lead", () -> first.healthStatus("ready") == 200 || second.healthStatus("ready") == 200);
            VnetProcess leader = first.healthStatus("ready") == 200 ? first : second;
            VnetProcess standby = leader == first ? second : first;
            // Started and in the election, so that the takeover measured is not its boot.
            await("the standby to start", () -> standby.healthStatus("live") == 200);
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("containers", (double) containers);
            long heapBefore = Heap.usedAfterGc(leader.pid());
            try (EventWatchers watchers = EventWatchers.open(leader.endpoint(), options.watchers);
                    FakeAgents agents = register(first.endpoint() + "," + second.endpoint(), containers, options,
                            figures)) {
                await("the leader to run every container", () -> running(leader) == containers);
                await("the watchers to be delivered every event", () -> watchers.quietNanos() > QUIET.toNanos());
                fanOut(watchers, options, figures);
                heartbeatWrites(processes, agents, options, figures);
                Heap.awaitStoreCaughtUp(leader, SETTLED);
                long heapAfter = Heap.usedAfterGc(leader.pid());
                figures.put("heapAfterMb", heapAfter / 1048576.0);
                figures.put("bytesPerContainer", (heapAfter - heapBefore) / (double) containers);
                ClosedLoop.Outcome gets = getOrCreate(leader, containers, options);
                Map<String, Measurement.ProcessUse> use = Map.of("network",
                        new Measurement.ProcessUse(leader.cpuSeconds(), leader.peakRssBytes()));
                takeover(leader, standby, containers, figures);
                figures.put("restoredHeapMb", Heap.usedAfterGc(standby.pid()) / 1048576.0);
                figures.put("loadAverage", LeaderChanges.loadAverage());
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("containers", containers);
                params.put("agents", agents.count());
                params.put("watchers", options.watchers);
                params.put("coordinatorXmx", options.coordinatorHeap);
                params.put("inFlight", options.inFlight.get(0));
                return new Measurement("registry", params, gets.throughput(), gets.latencies(), gets.errors(),
                        gets.firstError(), use, figures);
            }
        }
    }

    /**
     * A replica's settings. The one benchmark client gets containers picked from the whole population and keeps
     * its references, so past 10,000 distinct containers (a few seconds at speed) the per-session guard against a
     * runaway client would refuse its gets: the limit is lifted, the lookups measure the registry. The fake agents'
     * containers are unreferenced, so they would stop after the idle timeout (60 s), which a million containers'
     * registration and measurements outlast: the takeover would restore fewer than were registered.
     */
    private static Map<String, String> replica(String id) {
        return Map.of("vnet.network.replica-id", id, "vnet.network.limits.max-containers-per-session", "0",
                "vnet.network.idle-timeout", "1h");
    }

    private static FakeAgents register(String endpoints, int containers, Bench options, Map<String, Double> figures)
            throws Exception {
        long started = System.nanoTime();
        FakeAgents agents = FakeAgents.register(endpoints, containers, options.fakeAgents);
        figures.put("registerSeconds", (System.nanoTime() - started) / 1e9);
        return agents;
    }

    /** Every container registered is announced to every watcher: how fast, and how late. */
    private static void fanOut(EventWatchers watchers, Bench options, Map<String, Double> figures) {
        Histogram lag = watchers.lagMs();
        figures.put("eventsPerWatcher", watchers.delivered() / (double) options.watchers);
        figures.put("eventsDeliveredPerSecond", watchers.deliveredPerSecond());
        figures.put("eventLagMsP50", (double) lag.getValueAtPercentile(50));
        figures.put("eventLagMsP99", (double) lag.getValueAtPercentile(99));
        figures.put("eventLagMsMax", (double) lag.getMaxValue());
        figures.put("watchersDropped", (double) watchers.ended());
    }

    /** Rows PostgreSQL writes for the agents' heartbeats, per second, over the measured time. */
    private static void heartbeatWrites(VnetProcesses processes, FakeAgents agents, Bench options,
            Map<String, Double> figures) throws InterruptedException {
        long[] before = StoreWrites.counters(processes.database());
        long started = System.nanoTime();
        Thread.sleep(options.duration.toMillis() + StoreWrites.STATISTICS_DELAY.toMillis());
        long[] after = StoreWrites.counters(processes.database());
        double seconds = (System.nanoTime() - started) / 1e9 - StoreWrites.STATISTICS_DELAY.toMillis() / 1e3;
        figures.put("heartbeatsPerSecond", agents.count() * FakeAgents.HEARTBEATS_PER_SECOND);
        figures.put("transactionsPerSecond", (after[0] - before[0]) / seconds);
        figures.put("nodeHealthRowWritesPerSecond", (after[1] - before[1]) / seconds);
    }

    /** Gets of containers that exist, picked at random among all: the registry's lookup at this size. */
    private static ClosedLoop.Outcome getOrCreate(VnetProcess leader, int containers, Bench options)
            throws Exception {
        try (VnetClient client = VnetClient.builder().network(leader.endpoint()).name("vnet-bench")
                .timeout(Duration.ofSeconds(10)).build().awaitConnected(Duration.ofSeconds(30))) {
            return ClosedLoop.run(() -> client.getAsync(GetOptions.kind("echo")
                    .uuid(FakeAgents.uuid(ThreadLocalRandom.current().nextInt(containers)))),
                    options.inFlight.get(0), options.warmup, options.duration, () -> {});
        }
    }

    /**
     * The leader is killed (kill -9, as in a crash: a graceful stop would end its agents' streams first and write
     * them down as gone); the standby waits out the lease, takes over, restores the registry from the store, and the
     * fake agents register with it again. From the standby's log: how long the restore took, and from its election
     * to serving; from here: from the kill until it serves, and until it runs every container again.
     */
    private static void takeover(VnetProcess leader, VnetProcess standby, int containers, Map<String, Double> figures)
            throws InterruptedException {
        long mark = standby.logMark();
        leader.kill();
        long killed = System.nanoTime();
        await("the standby to lead", () -> standby.healthStatus("ready") == 200);
        figures.put("killToReadyMs", (System.nanoTime() - killed) / 1e6);
        await("the new leader to run every container", () -> running(standby) == containers);
        figures.put("killToAllRunningMs", (System.nanoTime() - killed) / 1e6);
        String log = standby.logSince(mark);
        Matcher restored = RESTORED.matcher(log);
        LocalTime elected = null;
        LocalTime serving = null;
        // The last attempt is the one that led: an attempt that timed out is logged and retried with a new epoch.
        for (String line : log.split("\n")) {
            if (line.contains("elected leader with epoch")) {
                elected = timeOf(line);
            } else if (line.contains(" and serves, ")) {
                serving = timeOf(line);
            }
        }
        long restoredCount = -1;
        // Again the last: the restore of the attempt that led.
        while (restored.find()) {
            restoredCount = Long.parseLong(restored.group(1));
            figures.put("restoreMs", Double.parseDouble(restored.group(2)));
            figures.put("restoreReadMs", Double.parseDouble(restored.group(3)));
            figures.put("restoreRegistryMs", Double.parseDouble(restored.group(4)));
        }
        if (restoredCount < 0 || elected == null || serving == null) {
            throw new IllegalStateException("the new leader did not log its election, restore and serving");
        }
        // Fewer than registered when a take-up attempt outlasted the recovery window: its registry dropped the
        // containers whose agents had not come back yet (they had no leader to come back to), and wrote that down.
        figures.put("restoredContainers", (double) restoredCount);
        figures.put("electedToServingMs", (double) Duration.between(elected, serving).toMillis());
    }

    /** The time a log line starts with (HH:mm:ss.SSS). */
    private static LocalTime timeOf(String line) {
        return LocalTime.parse(line.substring(0, 12));
    }

    /** Containers the coordinator says run (its metric), or -1 while it does not answer. */
    private static long running(VnetProcess coordinator) {
        try {
            Matcher m = RUNNING.matcher(coordinator.httpGet("/q/metrics"));
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        } catch (RuntimeException notAnswering) {
            return -1;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLED.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + SETTLED);
            }
            Thread.sleep(50);
        }
    }
}
