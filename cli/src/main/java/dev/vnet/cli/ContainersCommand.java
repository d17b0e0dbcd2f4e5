package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "containers", description = "List containers, optionally filtered.")
final class ContainersCommand extends NetworkCommand {

    @Option(names = "--kind", description = "Only containers of this kind.")
    String kind;

    @Option(names = "--label", paramLabel = "LABEL", description = "Only containers with this label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--agent", description = "Only containers on this agent.")
    String agent;

    @Override
    void run(VnetClient client, Output out) {
        List<ContainerInfo> containers = client.containers(kind, labels, agent);
        if (options.json) {
            out.jsonArray(containers);
            return;
        }
        boolean filtered = kind != null || !labels.isEmpty() || agent != null;
        out.table(columns(), containers.stream().map(ContainersCommand::row).toList(), filtered
                ? "no containers match these filters (bin/vnet containers without them lists all)"
                : "no containers: none was got yet, or those got were released and stopped when idle "
                        + "(bin/vnet get KIND --uuid U creates one; --hold keeps it)");
    }

    static List<String> columns() {
        return List.of("UUID", "KIND", "TYPE", "STATE", "MIGRATION", "AGENT", "REFS", "EPOCH", "LABELS");
    }

    static List<String> row(ContainerInfo c) {
        return List.of(c.getUuid(), c.getKind(), Output.name(c.getType(), "CONTAINER_TYPE_"),
                Output.name(c.getState(), "CONTAINER_STATE_"), Output.name(c.getMigrationStatus(), "MIGRATION_STATUS_"),
                c.getAgentId().isEmpty() ? "-" : c.getAgentId(),
                String.valueOf(c.getReferences()), Output.epoch(c.getEpoch()),
                c.getLabelsCount() == 0 ? "-" : String.join(",", c.getLabelsList()));
    }
}
