package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failover run: the network and the agent that survived it (the killed one has no figures). */
    private static Measurement failoverRun(String survivor, double survivorCpu, long calls) {
        Histogram latencies = new Histogram(3);
        for (long i = 1; i <= calls; i++) {
            latencies.recordValue(i * 1000);
        }
        Map<String, Measurement.ProcessUse> processes = new LinkedHashMap<>();
        processes.put("network", new Measurement.ProcessUse(1.0, 300L << 20));
        processes.put(survivor, new Measurement.ProcessUse(survivorCpu, 200L << 20));
        Map<String, Double> extra = new LinkedHashMap<>(Map.of("gapMs", 100.0 + calls));
        return new Measurement("failover", Map.of("inFlight", 1), calls, latencies, 0, null, processes, extra);
    }

    @Test
    void reportsEveryProcessEvenWhenRunsKilledDifferentOnes() throws Exception {
        List<Measurement> runs = List.of(failoverRun("agent-b", 2.0, 100),
                failoverRun("agent-a", 4.0, 200), failoverRun("agent-b", 6.0, 300));

        JsonNode report = JSON.readTree(Report.toJson(runs));

        assertThat(report.get("runs").asInt()).isEqualTo(3);
        assertThat(report.at("/processes/network/runs").asInt()).isEqualTo(3);
        assertThat(report.at("/processes/agent-a/runs").asInt()).isEqualTo(1);
        assertThat(report.at("/processes/agent-a/cpuSeconds").asDouble()).isEqualTo(4.0);
        assertThat(report.at("/processes/agent-b/runs").asInt()).isEqualTo(2);
        assertThat(report.at("/processes/agent-b/cpuSeconds").asDouble()).isEqualTo(4.0);
        assertThat(report.at("/figures/gapMs/median").asDouble()).isEqualTo(300.0);
        assertThat(report.at("/figures/gapMs/min").asDouble()).isEqualTo(200.0);
        assertThat(report.at("/throughput/median").asDouble()).isEqualTo(200.0);
        assertThat(Report.line(runs)).contains("agent-a cpu 4.0s").contains("agent-b cpu 4.0s")
                .contains("network cpu 1.0s");
    }

    @Test
    void aReportWithErrorsNamesTheFirstAndOneWithoutNamesNone() throws Exception {
        Measurement clean = failoverRun("agent-a", 1.0, 10);
        Measurement failed = new Measurement("failover", clean.params(), clean.throughput(), clean.latencies(), 3,
                "RESOURCE_EXHAUSTED: session s-1 holds 10000 containers", clean.processes(), clean.extra());

        JsonNode withErrors = JSON.readTree(Report.toJson(List.of(clean, failed)));
        JsonNode without = JSON.readTree(Report.toJson(List.of(clean)));

        assertThat(withErrors.get("errors").asLong()).isEqualTo(3);
        assertThat(withErrors.get("firstError").asText()).isEqualTo(failed.firstError());
        assertThat(without.has("firstError")).isFalse();
        assertThat(Report.line(List.of(clean, failed))).contains("first error: " + failed.firstError());
    }
}
