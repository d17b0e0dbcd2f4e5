package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.KindInfo;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "kinds", description = "List the container kinds active agents offer.")
final class KindsCommand extends NetworkCommand {

    @Override
    void run(VnetClient client, Output out) {
        List<KindInfo> kinds = client.kinds();
        if (options.json) {
            out.jsonArray(kinds);
            return;
        }
        out.table(List.of("KIND", "AGENTS", "CONTAINERS"), kinds.stream().map(k -> List.of(k.getKind(),
                String.join(",", k.getAgentsList()), String.valueOf(k.getContainers()))).toList(),
                "no kinds on offer: no active agent is registered (see bin/vnet agents)");
    }
}
