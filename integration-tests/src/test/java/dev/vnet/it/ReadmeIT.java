package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.FreePorts;
import dev.vnet.it.support.ShellCommand;
import dev.vnet.it.support.TestDatabase;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.ContainerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The README walked as written: {@code bin/vnet up} on free ports and a database of its own, then every command of
 * "Try it" in order, as a person types them, each output checked. A container nobody holds stops after the idle
 * timeout, so between {@code get --hold} and the requests the test waits longer than that (until a container it
 * got and released has stopped): the README's container must still be there.
 */
class ReadmeIT {

    /** Short, so that the pause is short; the pause waits on a condition, not on a clock. */
    private static final String IDLE_TIMEOUT = "3s";
    /** A JVM start under heavy load on two shared cores takes ten seconds or more. */
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final Duration UP = Duration.ofMinutes(4);

    /** What each command of "Try it" must print; a command the README gains needs a line here. */
    private static final Map<String, Predicate<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("bin/vnet agents", out -> out.contains("agent-1") && out.contains("active"));
        EXPECTED.put("bin/vnet kinds", out -> out.contains("kv") && out.contains("agent-1"));
        EXPECTED.put("bin/vnet get kv --uuid store-1 --hold",
                out -> out.contains("store-1") && out.contains("holding store-1 until Ctrl-C"));
        EXPECTED.put("bin/vnet request store-1 put '{\"key\":\"colour\",\"value\":\"blue\"}'",
                out -> out.contains("previous"));
        EXPECTED.put("bin/vnet request store-1 get '{\"key\":\"colour\"}'", out -> out.contains("blue"));
        EXPECTED.put("bin/vnet request store-1 list --direct", out -> out.contains("colour"));
        EXPECTED.put("bin/vnet containers --json", out -> out.contains("\"uuid\":\"store-1\""));
        EXPECTED.put("bin/vnet watch --snapshot", out -> out.contains("agent_added  agent agent-1")
                && out.contains("container_added  container kv/store-1 on agent-1"));
        EXPECTED.put("bin/vnet nodes", out -> out.contains("agent-1") && out.contains("healthy"));
    }

    @Test
    void tryItWorksAsWritten() throws IOException {
        List<String> commands = tryItCommands();
        assertThat(commands).as("the README's Try it commands, each with an expected output here")
                .containsExactlyElementsOf(EXPECTED.keySet());

        int networkPort = FreePorts.next();
        Map<String, String> upEnvironment = new HashMap<>();
        List<ShellCommand> running = new ArrayList<>();
        try (TestDatabase database = new TestDatabase()) {
            upEnvironment.putAll(Map.of("VNET_NETWORK_PORT", String.valueOf(networkPort),
                    "VNET_NETWORK_HTTP_PORT", String.valueOf(FreePorts.next()),
                    "VNET_AGENT_PORT", String.valueOf(FreePorts.next()),
                    "VNET_AGENT_HTTP_PORT", String.valueOf(FreePorts.next()),
                    "VNET_DB_URL", database.url(), "VNET_NETWORK_IDLE_TIMEOUT", IDLE_TIMEOUT));
            ShellCommand up = ShellCommand.start("readme-up", "bin/vnet up", upEnvironment);
            running.add(up);
            up.awaitOutput(out -> out.contains("vnet is up"), "'vnet is up'", UP);
            assertThat(up.stdout() + up.stderr()).as("bin/vnet up logs text, not JSON").contains(" INFO ")
                    .doesNotContain("{\"timestamp\"");

            Map<String, String> terminal = Map.of("VNET_NETWORK", "127.0.0.1:" + networkPort);
            ShellCommand hold = null;
            for (int i = 0; i < commands.size(); i++) {
                String line = commands.get(i);
                Predicate<String> expected = EXPECTED.get(line);
                ShellCommand command = ShellCommand.start("readme-" + i, line, terminal);
                running.add(command);
                if (line.contains("--hold")) {
                    hold = command.awaitOutput(expected, "the container, held", COMMAND);
                    pauseLongerThanTheIdleTimeout(networkPort);
                } else if (line.contains(" watch")) {
                    command.awaitOutput(expected, "the snapshot's events", COMMAND);
                    command.signal("INT");
                    assertThat(command.awaitExit(COMMAND)).as("watch ends on Ctrl-C").isNotZero();
                } else {
                    assertThat(command.awaitExit(COMMAND)).as(line + ": " + command).isZero();
                    assertThat(command.stdout()).as(line + ": " + command).matches(expected);
                }
            }

            assertThat(hold).as("the README holds its container").isNotNull();
            hold.signal("INT");
            hold.awaitExit(COMMAND);
            assertThat(hold.stderr()).as("Ctrl-C on get --hold releases and says when the container stops")
                    .contains("released store-1; nobody holds it now: it stops at").contains("(in 3s)");

            up.signal("INT");
            up.awaitExit(COMMAND);
            assertThat(up.isAlive()).as("Ctrl-C stops bin/vnet up and both its processes").isFalse();
        } finally {
            running.forEach(ShellCommand::destroy);
        }
    }

    /** Every "bin/vnet ..." line of the README's Try it section, in order, without comments. */
    static List<String> tryItCommands() throws IOException {
        String readme = Files.readString(VnetProcesses.root().resolve("README.md"));
        String tryIt = readme.substring(readme.indexOf("## Try it"), readme.indexOf("From Java:"));
        List<String> commands = new ArrayList<>();
        for (String line : tryIt.split("\n")) {
            if (line.startsWith("bin/vnet ")) {
                int comment = line.indexOf(" #");
                commands.add((comment < 0 ? line : line.substring(0, comment)).strip());
            }
        }
        return commands;
    }

    /**
     * Gets a probe container and lets it go, then waits until the network has stopped it: the idle timeout has
     * passed, and the README's held container must have outlived it.
     */
    private static void pauseLongerThanTheIdleTimeout(int networkPort) {
        try (VnetClient client = VnetClient.builder().network("127.0.0.1:" + networkPort).build()
                .awaitConnected(COMMAND)) {
            client.get(GetOptions.kind("echo").uuid("readme-probe")).release();
            await().alias("the probe stops").atMost(COMMAND).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.containers(null, null, null).stream().map(ContainerInfo::getUuid)
                            .noneMatch("readme-probe"::equals));
            assertThat(client.containers(null, null, null)).extracting(ContainerInfo::getUuid).contains("store-1");
        }
    }
}
