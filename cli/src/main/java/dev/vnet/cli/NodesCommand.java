package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.NodeInfo;
import dev.vnet.proto.v1.NodeStatus;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nodes", description = "List node health as the store keeps it: every agent ever known.")
final class NodesCommand extends NetworkCommand {

    @Option(names = "--status", description = "Only nodes with this status: healthy, unhealthy or draining.")
    String status;

    @Override
    void run(VnetClient client, Output out) {
        NodeStatus only = status == null ? NodeStatus.NODE_STATUS_UNSPECIFIED
                : NodeStatus.valueOf("NODE_STATUS_" + status.toUpperCase());
        List<NodeInfo> nodes = client.nodes(only);
        if (options.json) {
            out.jsonArray(nodes);
            return;
        }
        out.table(List.of("AGENT", "STATUS", "HEARTBEAT", "ENDPOINT", "CLUSTER", "CONTAINERS", "CPU", "CAPACITY"),
                nodes.stream().map(n -> List.of(n.getAgentId(), Output.name(n.getStatus(), "NODE_STATUS_"),
                        Output.age(n.getLastHeartbeatMs()), n.getEndpoint(), n.getCluster().isEmpty() ? "-" : n.getCluster(),
                        String.valueOf(n.getLoad().getContainers()), String.format("%.2f", n.getLoad().getCpu()),
                        n.getCapacity().getMaxContainers() == 0 ? "-" : n.getCapacity().getMaxContainers() + " max"))
                        .toList(),
                status != null ? "no " + status + " nodes in the store"
                        : "no nodes in the store yet: no agent has registered with a network using this database");
    }
}
