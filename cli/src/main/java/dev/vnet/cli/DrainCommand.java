package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.AgentInfo;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drain", description = {"Drain an agent: it takes no new containers, its stateless and ha containers",
        "move to other agents at once, its standard ones stop when released or at the deadline."})
final class DrainCommand extends NetworkCommand {

    @Parameters(index = "0", paramLabel = "AGENT", description = "The agent.")
    String agentId;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long standard containers may keep running (default: the network's drain timeout).")
    Duration deadline;

    @Override
    void run(VnetClient client, Output out) {
        AgentInfo agent = client.drain(agentId, deadline);
        if (options.json) {
            out.jsonLine(agent);
        } else {
            out.line("agent " + agent.getAgentId() + " is " + Output.name(agent.getState(), "AGENT_STATE_") + " with "
                    + agent.getContainers() + " containers left; watch them go with: bin/vnet containers --agent "
                    + agent.getAgentId());
        }
    }
}
