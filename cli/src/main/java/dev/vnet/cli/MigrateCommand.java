package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.MigrationStatus;
import io.grpc.Status;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", description = {"Move an ha container to another agent and wait for the move to finish.",
        "The old copy serves until the new one runs. Exits with 1 when the move failed."})
final class MigrateCommand extends NetworkCommand {

    @Parameters(index = "0", paramLabel = "UUID", description = "The ha container.")
    String uuid;

    @Option(names = "--to", paramLabel = "AGENT", description = "The agent to move to (default: the network chooses).")
    String target;

    @Override
    void run(VnetClient client, Output out) {
        MigrationInfo move = client.migrate(uuid, target);
        if (options.json) {
            out.jsonLine(move);
        } else {
            out.table(HistoryCommand.columns(), List.of(HistoryCommand.row(move)));
        }
        if (move.getStatus() != MigrationStatus.MIGRATION_STATUS_COMPLETED) {
            throw new VnetException(Status.Code.FAILED_PRECONDITION,
                    "the move of " + uuid + " failed: " + move.getError());
        }
    }
}
