package dev.vnet.bench;

import static dev.vnet.bench.BenchRuns.figure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every scenario of the benchmark that kills or freezes processes (whatever {@link BenchRuns#LOAD} does not hold,
 * so a new scenario is covered here until it is put there), run once against spawned processes: each measures
 * what it promises and reports no error.
 */
class FaultScenariosSmokeIT {

    /** A failure bound for a loaded machine (a cluster per scenario; the whole benchmark took 9.6 min at load 25). */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyFaultScenarioRunsAndReportsSaneFigures() throws Exception {
        List<JsonNode> reports = BenchRuns.runBriefly(BenchRuns.faults());

        BenchRuns.assertSane(reports);
        assertThat(figure(reports, "failover", "gapMs")).isPositive();
        assertThat(figure(reports, "migration", "runningElsewhereMs")).isPositive();
    }
}
