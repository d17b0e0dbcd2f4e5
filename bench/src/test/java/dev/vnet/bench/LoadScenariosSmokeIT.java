package dev.vnet.bench;

import static dev.vnet.bench.BenchRuns.figure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's load scenarios, run for a few seconds against spawned processes: the benchmark works and its
 * figures are sane (something was measured, nothing failed). No timing is asserted: that is the benchmark's job,
 * on a quiet machine, not a test's. {@link FaultScenariosSmokeIT} covers the rest, in a fork of its own.
 */
class LoadScenariosSmokeIT {

    /**
     * A failure bound for a loaded machine (three clusters, the registry's with two coordinators; the whole benchmark
     * took 9.6 minutes at load 25).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyLoadScenarioRunsAndReportsSaneFigures() throws Exception {
        List<JsonNode> reports = BenchRuns.runBriefly(BenchRuns.LOAD);

        BenchRuns.assertSane(reports);
        assertThat(figure(reports, "registry", "containers")).isEqualTo(20000);
        assertThat(figure(reports, "registry", "heapAfterMb")).isPositive();
        assertThat(figure(reports, "registry", "eventsPerWatcher")).isPositive();
        assertThat(figure(reports, "registry", "nodeHealthRowWritesPerSecond")).isPositive();
        assertThat(figure(reports, "registry", "killToAllRunningMs")).isPositive();
        assertThat(figure(reports, "store-writes", "nodeHealthRowWritesPerSecond")).isPositive();
        assertThat(reports.get(0).get("processes").get("network").get("cpuSeconds").asDouble()).isPositive();
    }
}
