package dev.vnet.cli;

import dev.vnet.client.Futures;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "send", description = "Send a one-way message to a container (no answer, never retried).")
final class SendCommand extends NetworkCommand {

    @Mixin
    CallTarget target;

    @Override
    boolean needsSession() {
        return true;
    }

    @Override
    void run(VnetClient client, Output out) {
        Futures.await(client.sendAsync(target.uuid, target.operation, Json.parse(target.payload)));
        if (!options.json) {
            out.line("sent");
        }
    }
}
