package dev.vnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VnetCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return VnetCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
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
}
