package dev.vnet.cli;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.Futures;
import dev.vnet.client.GetOptions;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.ReleaseResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = {"Get a container, creating it when needed, and print it.",
        "Without --hold the CLI releases it at once and says when it will stop: a container nobody holds lives for "
                + "its kind's idle timeout (60 s by default). With --hold it keeps the container until Ctrl-C or "
                + "the duration, then releases it."})
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

    @Option(names = "--hold", paramLabel = "DURATION", arity = "0..1", fallbackValue = "0s",
            converter = DurationConverter.class,
            description = "Keep the container until Ctrl-C, or for DURATION (e.g. 10m), then release it.")
    Duration hold;

    @Override
    boolean needsSession() {
        return true;
    }

    @Override
    void run(VnetClient client, Output out) throws InterruptedException {
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
        if (hold == null) {
            release(client, ref.uuid());
            return;
        }
        try (Hold held = Hold.start(ref.uuid(), hold, options.timeout.plusSeconds(1), err())) {
            held.await(hold);
            release(client, ref.uuid());
        }
    }

    private void release(VnetClient client, String uuid) {
        ReleaseResponse released = Futures.await(client.releaseWithOutcome(uuid));
        err().println(ReleaseNotice.describe(uuid, released, System.currentTimeMillis(), ZoneId.systemDefault()));
        err().flush();
    }
}
