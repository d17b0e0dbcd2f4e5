package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.LeaderInfo;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "leader", description = "Show which coordinator leads, its fencing epoch and since when.")
final class LeaderCommand extends NetworkCommand {

    @Override
    void run(VnetClient client, Output out) {
        LeaderInfo leader = client.leader();
        if (options.json) {
            out.jsonLine(leader);
            return;
        }
        out.table(List.of("HOLDER", "ENDPOINT", "EPOCH", "SINCE"), List.of(List.of(leader.getHolder(),
                leader.getEndpoint(), String.valueOf(leader.getEpoch()), Instant.ofEpochMilli(leader.getSinceMs())
                        .toString())));
    }
}
