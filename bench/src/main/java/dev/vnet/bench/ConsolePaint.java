package dev.vnet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vnet.it.support.NodeExample;
import dev.vnet.it.support.VnetProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console scenario: a coordinator holding {@code --containers} containers (registered by fake agents, as the
 * registry scenario does), and the console's containers view opened in headless Chromium
 * (integration-tests/console/console-paint.js): time from navigation to the first page of rows painted, the API
 * call behind it, a re-sort and the next page.
 */
final class ConsolePaint {

    private static final Duration BROWSER_RUN = Duration.ofMinutes(5);

    private ConsolePaint() {}

    static Measurement measure(Bench options) throws Exception {
        NodeExample browser = NodeExample.in("integration-tests/console");
        browser.requireNode();
        browser.installIfStale(Duration.ofMinutes(3));
        int containers = options.containers.get(0);
        try (Cluster cluster = Cluster.spawn(Map.of());
                FakeAgents agents = FakeAgents.register(cluster.endpoint(), containers, (containers + 9_999) / 10_000)) {
            VnetProcess network = cluster.process("network");
            NodeExample.Result run = browser.runScript(BROWSER_RUN, Map.of(
                    "VNET_CONSOLE", "http://127.0.0.1:" + network.httpPort() + "/",
                    "CHROMIUM", System.getProperty("vnet.chromium", "/usr/bin/chromium")), "console-paint.js");
            List<String> lines = run.stdout();
            if (run.exitCode() != 0 || lines.isEmpty()) {
                throw new IllegalStateException("console-paint.js failed (exit " + run.exitCode() + "):\n"
                        + run.transcript());
            }
            JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("containers", (double) containers);
            for (String figure : List.of("rowsPaintedMs", "firstContentfulPaintMs", "containersApiMs", "sortMs",
                    "nextPageMs", "rows")) {
                figures.put(figure, result.path(figure).asDouble());
            }
            return Measurement.figures("console", Map.of("containers", containers), figures, cluster.use());
        }
    }
}
