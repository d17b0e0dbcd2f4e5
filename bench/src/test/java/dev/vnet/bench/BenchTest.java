package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: options parse, and what cannot work is refused with exit code 2 before anything starts. */
class BenchTest {

    @Test
    void placementAndPayloadOptionsParse() {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("routed", "--spawn", "--network-port", "4100", "--agent-port", "4101",
                "--database", "postgresql://127.0.0.1:5432/peer", "--payload-format", "json", "--payload", "1024");

        assertThat(bench.networkPort).isEqualTo(4100);
        assertThat(bench.agentPort).isEqualTo(4101);
        assertThat(bench.database).isEqualTo("postgresql://127.0.0.1:5432/peer");
        assertThat(bench.payloadFormat).isEqualTo(RequestPayload.Format.json);
        assertThat(bench.payload).isEqualTo(1024);
    }

    @Test
    void defaultsAreRandomPlacesAndBytes() {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("routed");

        assertThat(bench.networkPort).isNull();
        assertThat(bench.agentPort).isNull();
        assertThat(bench.database).isNull();
        assertThat(bench.payloadFormat).isEqualTo(RequestPayload.Format.bytes);
        assertThat(bench.baseline.toString()).endsWith("bench/check-baseline.json");
    }

    @Test
    void usageErrorsExitWithTwoAndOneLine() {
        assertThat(refused("routed", "--network-port", "4100")).contains("add --spawn");
        assertThat(refused("failover", "--spawn", "--agent-port", "4101"))
                .contains("failover starts clusters of its own");
        assertThat(refused("routed", "--spawn", "--payload-format", "json", "--payload", "10"))
                .contains("--payload-format json sends a document of at least");
        assertThat(refused("check", "routed")).contains("check runs alone");
        assertThat(refused("check", "--baseline", "/nonexistent/baseline.json")).contains("no baseline at");
    }

    private static String refused(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new Bench()).execute(args);
        } finally {
            System.setErr(original);
        }
        String error = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(error).isEqualTo(2);
        assertThat(error.lines()).as(error).hasSize(1);
        return error;
    }
}
