package dev.vnet.cli;

import dev.vnet.proto.v1.ReleaseResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** What the CLI says when it lets a container go: whether others still hold it, and if not, when it stops. */
final class ReleaseNotice {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private ReleaseNotice() {
    }

    /**
     * One line about a release the network answered.
     *
     * @param nowMs this machine's clock: the stop time is shown as now plus the idle timeout, so that the two
     *              machines' clocks need not agree
     */
    static String describe(String uuid, ReleaseResponse released, long nowMs, ZoneId zone) {
        if (released.getReferences() > 0) {
            return "released " + uuid + "; " + released.getReferences() + " other reference"
                    + (released.getReferences() == 1 ? "" : "s") + " keep it running";
        }
        if (released.getIdleTimeoutMs() == 0) {
            return "released " + uuid + "; nobody holds it now, and it does not stop when idle";
        }
        String at = CLOCK.format(Instant.ofEpochMilli(nowMs + released.getIdleTimeoutMs()).atZone(zone));
        return "released " + uuid + "; nobody holds it now: it stops at " + at + " (in "
                + DurationConverter.format(Duration.ofMillis(released.getIdleTimeoutMs())) + ") unless something gets it again "
                + "(bin/vnet get ... --hold keeps it)";
    }
}
