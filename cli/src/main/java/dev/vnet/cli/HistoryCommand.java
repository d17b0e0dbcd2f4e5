package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.MigrationInfo;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", description = "List the moves of a container, newest first.")
final class HistoryCommand extends NetworkCommand {

    @Parameters(index = "0", paramLabel = "UUID", description = "The container.")
    String uuid;

    @Option(names = "--limit", description = "At most this many moves (default ${DEFAULT-VALUE}).", defaultValue = "50")
    int limit;

    @Override
    void run(VnetClient client, Output out) {
        List<MigrationInfo> moves = client.history(uuid, limit);
        if (options.json) {
            out.jsonArray(moves);
            return;
        }
        out.table(columns(), moves.stream().map(HistoryCommand::row).toList(),
                "no moves recorded for " + uuid + ": it never moved (only ha and stateless containers move), or the "
                        + "network does not know it");
    }

    static List<String> columns() {
        return List.of("STARTED", "TRIGGER", "FROM", "TO", "STATUS", "DURATION", "ERROR");
    }

    static List<String> row(MigrationInfo move) {
        return List.of(Instant.ofEpochMilli(move.getStartedAtMs()).toString(), move.getTrigger(),
                dash(move.getFromAgent()), dash(move.getToAgent()), Output.name(move.getStatus(), "MIGRATION_STATUS_"),
                move.getFinishedAtMs() == 0 ? "-" : move.getDurationMs() + " ms", dash(move.getError()));
    }

    private static String dash(String value) {
        return value.isEmpty() ? "-" : value;
    }
}
