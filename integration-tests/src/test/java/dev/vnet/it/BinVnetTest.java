package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.it.support.FreePorts;
import dev.vnet.it.support.ShellCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code bin/vnet} itself says before it starts any JVM. */
class BinVnetTest {

    private static final Duration QUICK = Duration.ofSeconds(30);

    @Test
    void upSaysInOneLineThatPostgresqlDoesNotAnswerAndHowToStartIt() {
        ShellCommand up = ShellCommand.start("bin-vnet-up-no-db", "bin/vnet up",
                Map.of("VNET_DB_URL", "postgresql://127.0.0.1:" + FreePorts.next() + "/test"));
        assertThat(up.awaitExit(QUICK)).as(up.toString()).isEqualTo(1);
        assertThat(up.stderr().lines()).as("one line").hasSize(1);
        assertThat(up.stderr()).startsWith("vnet: PostgreSQL does not answer at 127.0.0.1:");
        if (Files.isDirectory(Path.of("/etc/postgresql"))) {
            assertThat(up.stderr()).contains("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        }
    }

    @Test
    void aWrongLogFormatIsRefusedWithWhatToWrite() {
        ShellCommand network = ShellCommand.start("bin-vnet-log-format", "bin/vnet network",
                Map.of("VNET_LOG_FORMAT", "xml"));
        assertThat(network.awaitExit(QUICK)).as(network.toString()).isEqualTo(2);
        assertThat(network.stderr()).contains("VNET_LOG_FORMAT must be text or json, not 'xml'");
    }
}
