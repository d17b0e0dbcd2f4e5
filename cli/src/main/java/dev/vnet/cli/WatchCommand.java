package dev.vnet.cli;

import dev.vnet.client.Subscription;
import dev.vnet.client.VnetClient;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watch", description = "Print network events as they happen, until interrupted.")
final class WatchCommand extends NetworkCommand {

    @Option(names = "--snapshot", description = "First print the current agents and containers as added events.")
    boolean snapshot;

    @Option(names = "--event", paramLabel = "KIND",
            description = "Only these events, e.g. container_added, agent_removed (repeatable).")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    int count;

    @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 30s.")
    Duration duration;

    @Override
    void run(VnetClient client, Output out) throws InterruptedException {
        EventKind[] wanted = kinds.stream().map(k -> EventKind.valueOf("EVENT_KIND_" + k.toUpperCase()))
                .toArray(EventKind[]::new);
        CountDownLatch done = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        try (Subscription ignored = client.watch(event -> {
            if (done.getCount() > 0) {
                print(out, event);
                done.countDown();
            }
        }, snapshot, wanted)) {
            if (duration != null) {
                done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                done.await();
            }
        }
    }

    private void print(Output out, Event event) {
        if (options.json) {
            out.jsonLine(event);
            return;
        }
        String subject = switch (event.getSubjectCase()) {
            case AGENT -> "agent " + event.getAgent().getAgentId();
            case CONTAINER -> "container " + event.getContainer().getKind() + "/" + event.getContainer().getUuid()
                    + (event.getContainer().getAgentId().isEmpty() ? "" : " on " + event.getContainer().getAgentId());
            case MIGRATION -> "migration of " + event.getMigration().getContainerUuid();
            case LEADER -> "leader " + event.getLeader().getHolder() + " epoch " + event.getLeader().getEpoch();
            case SUBJECT_NOT_SET -> "-";
        };
        out.line(Instant.ofEpochMilli(event.getAtMs()) + "  " + Output.name(event.getKind(), "EVENT_KIND_") + "  "
                + subject + "  (" + event.getReason() + ")");
    }
}
