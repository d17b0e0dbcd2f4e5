package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.NodeExample;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator console in a real browser (Debian's headless Chromium driven by Playwright's {@code playwright-core},
 * from integration-tests/console): a secured coordinator and two agents; sign in, see both nodes, watch an
 * ha container's move after {@code kill -9} of its agent and its history row appear without a reload, move it back
 * with the button, drain an agent, and check that a read-only token sees no migrate button and is refused 403.
 *
 * <p>Screenshots go to {@code target/console-screenshots}, or where {@code -Dvnet.console.screenshots} says
 * ({@code docs/console} to refresh the ones docs/CONSOLE.md shows).
 */
class ConsoleIT {

    private static final Duration PHASE = Duration.ofMinutes(4);
    private static final String OPERATOR = "console-operator-0123456789abcdef";
    private static final String VIEWER = "console-viewer-0123456789abcdef";
    private static final String AGENTS = "console-agents-0123456789abcdef";
    private static final String CONTAINER = "console-ha";

    private final NodeExample browser = NodeExample.in("integration-tests/console");

    @Test
    void anOperatorWatchesAFailoverMovesItBackAndDrainsAnAgent() throws Exception {
        browser.requireNode();
        browser.installIfStale(Duration.ofMinutes(3));
        assertThat(Path.of(System.getProperty("vnet.chromium", "/usr/bin/chromium")))
                .as("Chromium, for the console's browser test: apt-get install chromium (.ci/run does)")
                .isExecutable();
        Path shots = VnetProcesses.root().resolve(System.getProperty("vnet.console.screenshots",
                "integration-tests/target/console-screenshots"));
        Files.createDirectories(shots);

        Map<String, String> security = new LinkedHashMap<>();
        security.put("vnet.security.enabled", "true");
        security.put("vnet.security.tokens.operator.secret", OPERATOR);
        security.put("vnet.security.tokens.operator.permissions", "*");
        security.put("vnet.security.tokens.viewer.secret", VIEWER);
        security.put("vnet.security.tokens.viewer.permissions", "admin:read,migration:view,events:watch");
        security.put("vnet.security.tokens.agents.secret", AGENTS);
        security.put("vnet.security.tokens.agents.permissions", "agent:register");
        security.put("vnet.security.tokens.agents.agent-ids", "agent-*");
        Map<String, String> agent = new LinkedHashMap<>(security);
        agent.put("vnet.agent.token", AGENTS);

        try (VnetProcesses processes = new VnetProcesses()) {
            VnetProcess network = processes.network("console-network", security).awaitReady(READY);
            Map<String, VnetProcess> agents = new LinkedHashMap<>();
            agents.put("agent-1", processes.agent("agent-1", network.endpoint(), agent));
            agents.put("agent-2", processes.agent("agent-2", network.endpoint(), agent));
            agents.values().forEach(started -> started.awaitReady(READY));
            String console = "http://127.0.0.1:" + network.httpPort() + "/";

            try (VnetClient client = VnetClient.builder().network(network.endpoint()).token(OPERATOR).build()) {
                ContainerRef ha = client.get(GetOptions.kind("kv").uuid(CONTAINER).type(ContainerType.CONTAINER_TYPE_HA)
                        .spec(Map.of("data", Map.of("seed", "from the console test"))));
                String first = ha.info().getAgentId();
                String second = first.equals("agent-1") ? "agent-2" : "agent-1";
                Map<String, String> env = new LinkedHashMap<>();
                env.put("VNET_CONSOLE", console);
                env.put("OPERATOR", OPERATOR);
                env.put("VIEWER", VIEWER);
                env.put("CONTAINER", CONTAINER);
                env.put("FIRST", first);
                env.put("SECOND", second);
                env.put("FIRST_PID", Long.toString(agents.get(first).pid()));
                env.put("SHOTS", shots.toString());
                env.put("CHROMIUM", System.getProperty("vnet.chromium", "/usr/bin/chromium"));

                NodeExample.Result failover = browser.runScript(PHASE, env, "console-e2e.js", "phase1");
                assertThat(failover.exitCode()).as("phase 1 printed:\n%s", failover.transcript()).isZero();

                // The killed agent comes back under its name, so that the container can be moved back to it.
                processes.agent(first, network.endpoint(), agent).awaitReady(READY);
                await().atMost(READY).until(() -> agentsJson(network).contains("\"agentId\":\"" + first + "\""));

                NodeExample.Result back = browser.runScript(PHASE, env, "console-e2e.js", "phase2");
                assertThat(back.exitCode()).as("phase 2 printed:\n%s", back.transcript()).isZero();
                assertThat(back.transcript()).contains("read-only: no migrate button, and the API answers 403");
            }
            assertThat(shots.resolve("container-detail.png")).isRegularFile();
        }
    }

    private static String agentsJson(VnetProcess network) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + network.httpPort() + "/api/v1/agents"))
                .header("Authorization", "Bearer " + VIEWER).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }
}
