package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.AgentInfo;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "agents", description = "List the agents registered with the network.")
final class AgentsCommand extends NetworkCommand {

    @Override
    void run(VnetClient client, Output out) {
        List<AgentInfo> agents = client.agents();
        if (options.json) {
            out.jsonArray(agents);
            return;
        }
        out.table(List.of("AGENT", "STATE", "ENDPOINT", "CLUSTER", "KINDS", "CONTAINERS", "CPU", "HEARTBEAT"),
                agents.stream().map(a -> List.of(a.getAgentId(), Output.name(a.getState(), "AGENT_STATE_"),
                        a.getEndpoint(), a.getCluster().isEmpty() ? "-" : a.getCluster(),
                        String.join(",", a.getKindsList()), String.valueOf(a.getContainers()),
                        String.format("%.2f", a.getLoad().getCpu()), Output.age(a.getLastHeartbeatMs()))).toList(),
                "no agents registered yet; an agent registers within a few seconds of its start (bin/vnet up starts "
                        + "agent-1; bin/vnet agent --help starts more)");
    }
}
