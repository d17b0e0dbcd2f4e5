package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Runs the benchmark in the test's JVM, as {@code bin/vnet bench} would, for a few seconds per scenario against
 * spawned processes, and reads its JSON lines. The smoke tests split the scenarios in two, {@link #LOAD} and the
 * rest, each run in its own forked JVM at the same time (the bench module's failsafe runs two forks): most of a
 * fault scenario's time is spent waiting for a heartbeat or a lease to run out, which the other half fills.
 */
final class BenchRuns {

    /**
     * Scenarios that measure load and kill nothing: the request and event scenarios share one cluster, grpc-echo
     * starts only its echo server.
     */
    static final List<String> LOAD = List.of("routed", "direct", "unary", "grpc-echo", "create", "get-existing",
            "events", "registry", "store-writes");

    /** Short measurements, small populations: what makes each scenario work, not what makes it precise. */
    private static final List<String> BRIEF = List.of("--spawn", "--json", "--warmup", "1s", "--duration", "2s",
            "--in-flight", "4", "--containers", "20000", "--agents", "10", "--clients", "3", "--fake-agents", "10",
            "--watchers", "3");

    private BenchRuns() {}

    /** Every scenario of {@code bin/vnet bench all} that is not in {@link #LOAD}: they kill or freeze processes. */
    static List<String> faults() {
        return Bench.ALL.stream().filter(scenario -> !LOAD.contains(scenario)).toList();
    }

    /** Runs {@code scenarios} briefly, asserts the benchmark exited with 0, and answers one report per line. */
    static List<JsonNode> runBriefly(List<String> scenarios) throws Exception {
        String[] args = Stream.concat(scenarios.stream(), BRIEF.stream()).toArray(String[]::new);
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
        assertThat(reports).extracting(r -> r.get("scenario").asText()).containsExactlyElementsOf(scenarios);
        return reports;
    }

    /** What every report with a load must show: something was measured, and nothing failed. */
    static void assertSane(List<JsonNode> reports) {
        for (JsonNode report : reports) {
            String scenario = report.get("scenario").asText();
            if (report.has("throughput")) {
                assertThat(report.get("throughput").get("median").asDouble()).as(scenario).isPositive();
                assertThat(report.get("latencyUs").get("p50").asDouble()).as(scenario).isPositive();
                assertThat(report.get("errors").asLong()).as(scenario).isZero();
            }
        }
    }

    /** The median of one of a scenario's own figures. */
    static double figure(List<JsonNode> reports, String scenario, String name) {
        return reports.stream().filter(r -> r.get("scenario").asText().equals(scenario)).findFirst().orElseThrow()
                .get("figures").get(name).get("median").asDouble();
    }
}
