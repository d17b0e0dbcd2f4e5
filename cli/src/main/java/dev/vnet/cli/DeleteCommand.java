package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Stop and forget a container, whoever holds it (not while it migrates).")
final class DeleteCommand extends NetworkCommand {

    @Parameters(index = "0", paramLabel = "UUID", description = "The container.")
    String uuid;

    @Override
    void run(VnetClient client, Output out) {
        client.delete(uuid);
        if (!options.json) {
            out.line("deleted " + uuid);
        }
    }
}
