package dev.vnet.cli;

import dev.vnet.client.CallOptions;
import dev.vnet.client.Futures;
import dev.vnet.client.Json;
import dev.vnet.client.VnetClient;
import dev.vnet.client.VnetException;
import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

@Command(name = "request", description = "Call a container and print its answer (JSON).")
final class RequestCommand extends NetworkCommand {

    @Mixin
    CallTarget target;

    @Option(names = "--direct", description = "Call the container's agent directly instead of through the network.")
    boolean direct;

    @Override
    boolean needsSession() {
        return true;
    }

    @Override
    void run(VnetClient client, Output out) {
        Payload data = Json.parse(target.payload);
        CallOptions call = CallOptions.timeout(options.timeout);
        Payload answer = Futures.await(direct
                ? client.requestDirectAsync(locate(client), target.operation, data, call)
                : client.requestAsync(target.uuid, target.operation, data, call));
        out.line(Json.render(answer));
    }

    private ContainerInfo locate(VnetClient client) {
        return client.containers(null, null, null).stream().filter(c -> c.getUuid().equals(target.uuid)).findFirst()
                .orElseThrow(() -> new VnetException(Status.Code.NOT_FOUND, "container " + target.uuid + " does not exist"));
    }
}
