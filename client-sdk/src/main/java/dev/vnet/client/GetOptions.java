package dev.vnet.client;

import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.GetRequest;
import dev.vnet.proto.v1.Resources;
import java.util.List;

/**
 * What to get: a kind and, optionally, a uuid, labels, a spec, a type, a preferred cluster and resources.
 *
 * <pre>{@code
 * client.get(GetOptions.kind("chat").uuid("room-1").labels("public"));
 * }</pre>
 */
public final class GetOptions {

    private final GetRequest.Builder request = GetRequest.newBuilder();

    private GetOptions(String kind) {
        request.setKind(kind);
    }

    public static GetOptions kind(String kind) {
        return new GetOptions(kind);
    }

    /** The container with this uuid (created when it does not exist). */
    public GetOptions uuid(String uuid) {
        request.setUuid(uuid);
        return this;
    }

    /** Without a uuid: an existing container with all these labels, else a new one with them. */
    public GetOptions labels(String... labels) {
        request.addAllLabels(List.of(labels));
        return this;
    }

    public GetOptions labels(List<String> labels) {
        request.addAllLabels(labels);
        return this;
    }

    /** Configuration for the kind's factory, encoded as JSON; used only when the container is created. */
    public GetOptions spec(Object spec) {
        request.setSpec(Json.encode(spec));
        return this;
    }

    public GetOptions type(ContainerType type) {
        request.setType(type);
        return this;
    }

    /** For HA containers: the cluster their migrations prefer. */
    public GetOptions preferredCluster(String cluster) {
        request.setPreferredCluster(cluster);
        return this;
    }

    /** What the container needs: only agents with this much room left are chosen. */
    public GetOptions resources(double cpu, long memoryBytes) {
        request.setResources(Resources.newBuilder().setCpu(cpu).setMemoryBytes(memoryBytes));
        return this;
    }

    GetRequest toRequest() {
        return request.build();
    }
}
