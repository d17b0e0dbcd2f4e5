package dev.vnet.cli;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.ContainerType;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = {"Get a container, creating it when needed, and print it.",
        "The CLI's reference ends when it exits: the container then lives for its kind's idle timeout."})
final class GetCommand extends NetworkCommand {

    @Parameters(index = "0", paramLabel = "KIND", description = "The container kind.")
    String kind;

    @Option(names = "--uuid", description = "The container's uuid (created with it when missing).")
    String uuid;

    @Option(names = "--label", paramLabel = "LABEL", description = "A label it must have (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "JSON", description = "Configuration for the kind's factory.")
    String spec;

    @Option(names = "--type", description = "standard (default) or ha.", defaultValue = "standard")
    String type;

    @Override
    boolean needsSession() {
        return true;
    }

    @Override
    void run(VnetClient client, Output out) {
        GetOptions get = GetOptions.kind(kind).labels(labels)
                .type(ContainerType.valueOf("CONTAINER_TYPE_" + type.toUpperCase()));
        if (uuid != null) {
            get.uuid(uuid);
        }
        if (spec != null) {
            get.spec(Json.parse(spec));
        }
        ContainerRef ref = client.get(get);
        if (options.json) {
            out.jsonLine(ref.info());
        } else {
            out.table(ContainersCommand.columns(), List.of(ContainersCommand.row(ref.info())));
        }
    }
}
