package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Every scenario of the benchmark, run for a few seconds against spawned processes: the benchmark works and its
 * figures are sane (something was measured, nothing failed). No timing is asserted: that is the benchmark's job,
 * on a quiet machine, not a test's.
 */
class BenchSmokeIT {

    /**
     * Thirteen scenarios, nine clusters started: 176 s on an idle two-core machine, 266 s at load 8, and past the
     * build's default bound for one integration test (5 minutes) at load 13 to 17, twice on 2026-12-02. A failure
     * bound, never waited out by a passing run.
     */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyScenarioRunsAndReportsSaneFigures() throws Exception {
        List<JsonNode> reports = run("all", "--spawn", "--json", "--warmup", "1s", "--duration", "2s",
                "--in-flight", "4", "--containers", "20000", "--agents", "10", "--clients", "3", "--fake-agents", "10",
                "--watchers", "3");

        assertThat(reports).extracting(r -> r.get("scenario").asText()).containsExactlyElementsOf(Bench.ALL);
        for (JsonNode report : reports) {
            String scenario = report.get("scenario").asText();
            if (report.has("throughput")) {
                assertThat(report.get("throughput").get("median").asDouble()).as(scenario).isPositive();
                assertThat(report.get("latencyUs").get("p50").asDouble()).as(scenario).isPositive();
                assertThat(report.get("errors").asLong()).as(scenario).isZero();
            }
        }
        assertThat(figure(reports, "registry", "containers")).isEqualTo(20000);
        assertThat(figure(reports, "registry", "heapAfterMb")).isPositive();
        assertThat(figure(reports, "registry", "eventsPerWatcher")).isPositive();
        assertThat(figure(reports, "registry", "nodeHealthRowWritesPerSecond")).isPositive();
        assertThat(figure(reports, "registry", "killToAllRunningMs")).isPositive();
        assertThat(figure(reports, "failover", "gapMs")).isPositive();
        assertThat(figure(reports, "migration", "runningElsewhereMs")).isPositive();
        assertThat(figure(reports, "store-writes", "nodeHealthRowWritesPerSecond")).isPositive();
        assertThat(reports.get(0).get("processes").get("network").get("cpuSeconds").asDouble()).isPositive();
    }

    private static double figure(List<JsonNode> reports, String scenario, String name) {
        return reports.stream().filter(r -> r.get("scenario").asText().equals(scenario)).findFirst().orElseThrow()
                .get("figures").get(name).get("median").asDouble();
    }

    private static List<JsonNode> run(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new Bench()).execute(args);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.println(output);
        assertThat(exit).as(output).isZero();
        List<JsonNode> reports = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                reports.add(json.readTree(line));
            }
        }
        return reports;
    }
}
