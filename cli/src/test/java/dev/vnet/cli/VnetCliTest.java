package dev.vnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.proto.v1.ReleaseResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VnetCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return VnetCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    }

    @Test
    void aWrongCommandLineExitsWithTwoAndSaysWhy() {
        assertThat(run("request", "only-a-uuid")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter").contains("OP");
        assertThat(run("frobnicate")).isEqualTo(2);
    }

    @Test
    void anUnreachableNetworkExitsWithOneAndSaysWhatToDo() {
        assertThat(run("agents", "--network", "127.0.0.1:1", "--timeout", "2s")).isEqualTo(1);
        // Refused at once on an idle machine; on a busy one the 2 s can end before the first attempt does.
        assertThat(err.toString()).matches("(?s)error: (UNAVAILABLE|DEADLINE_EXCEEDED).*")
                .contains("bin/vnet network");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("agents", "containers", "request", "watch");
    }

    @Test
    void everyCommandTakesHelpWithoutItsArguments() {
        for (String command : new String[] {"agents", "get", "request", "drain", "migrate", "history", "delete"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).as(command + " --help; stderr: " + err).isZero();
            assertThat(out.toString()).as(command).contains("Usage: vnet " + command).contains("--network");
        }
    }

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("500ms");
    }

    @Test
    void getTakesHoldWithOrWithoutADuration() {
        assertThat(run("get", "--help")).isZero();
        assertThat(out.toString()).contains("--hold[=DURATION]").contains("Ctrl-C");
        assertThat(run("get", "kv", "--hold", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("not a duration");
    }

    @Test
    void aReleaseSaysWhenTheContainerStops() {
        ZoneId utc = ZoneOffset.UTC;
        long now = Instant.parse("2026-12-02T03:00:00Z").toEpochMilli();
        assertThat(ReleaseNotice.describe("store-1", ReleaseResponse.newBuilder().setIdleTimeoutMs(60_000)
                .setStopsAtMs(now + 60_000).build(), now, utc))
                .isEqualTo("released store-1; nobody holds it now: it stops at 03:01:00 (in 60s) unless something "
                        + "gets it again (bin/vnet get ... --hold keeps it)");
        assertThat(ReleaseNotice.describe("store-1", ReleaseResponse.newBuilder().setReferences(2).build(), now, utc))
                .isEqualTo("released store-1; 2 other references keep it running");
        assertThat(ReleaseNotice.describe("s", ReleaseResponse.getDefaultInstance(), now, utc))
                .contains("does not stop when idle");
        assertThat(DurationConverter.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void anEmptyVariableCountsAsUnset() {
        ClientOptions empty = optionsOf(Map.of("VNET_TOKEN", "", "VNET_NETWORK", "", "VNET_CA_FILE", ""));
        assertThat(empty.token).isNull();
        assertThat(empty.ca).isNull();
        assertThat(empty.network).isEqualTo("127.0.0.1:3737");

        ClientOptions set = optionsOf(Map.of("VNET_TOKEN", "t0ken", "VNET_NETWORK", "10.0.0.1:3737"));
        assertThat(set.token).isEqualTo("t0ken");
        assertThat(set.network).isEqualTo("10.0.0.1:3737");
    }

    private static ClientOptions optionsOf(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new VnetCli());
        cli.setDefaultValueProvider(new EnvDefaults(environment));
        AgentsCommand agents = cli.parseArgs("agents").subcommand().commandSpec().commandLine().getCommand();
        return agents.options;
    }

    @Test
    void anEmptyListingSaysWhatIsEmptyInsteadOfABareHeader() {
        Output output = new Output(new PrintWriter(out, true));
        output.table(List.of("AGENT", "STATE"), List.of(), "no agents registered yet");
        assertThat(out.toString()).isEqualTo("no agents registered yet" + System.lineSeparator());
        out.getBuffer().setLength(0);
        output.table(List.of("AGENT", "STATE"), List.of(List.of("agent-1", "active")), "no agents registered yet");
        assertThat(out.toString()).contains("AGENT").contains("agent-1").doesNotContain("no agents");
    }
}
