package dev.vnet.wire;

import dev.vnet.proto.v1.ConnectEvent;
import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import dev.vnet.proto.v1.Ping;
import io.grpc.Status;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;

/** The rules of a {@code Connect} stream's frames, the same on the network and on an agent. */
public final class ConnectFrames {

    /** How many of its ping intervals a client may stay silent, at least (a late ping or two is not a death). */
    static final int SILENT_INTERVALS = 3;

    private ConnectFrames() {}

    /**
     * What is wrong with a frame arriving on a Connect stream, or null when it is a valid {@code open}, or a
     * {@code ping} on a stream opened with pings.
     *
     * @param openedWith the {@code open} the stream was opened with, or null before it
     */
    public static String problem(ConnectFrame frame, ConnectOpen openedWith) {
        if (frame.hasPing()) {
            if (openedWith == null) {
                return "the first frame must be 'open'";
            }
            return openedWith.getPingIntervalMs() == 0
                    ? "'ping' is only sent on a stream opened with ping_interval_ms" : null;
        }
        if (openedWith != null) {
            return "this stream is already connected to " + openedWith.getUuid();
        }
        if (!frame.hasOpen()) {
            return "the first frame must be 'open'";
        }
        ConnectOpen open = frame.getOpen();
        return Names.first(Names.DEFAULT.idProblem("uuid", open.getUuid()),
                Names.DEFAULT.optionalIdProblem("session_id", open.getSessionId()),
                StreamLiveness.intervalProblem("ping_interval_ms", open.getPingIntervalMs()));
    }

    /** The id the container knows the client by: its session, or one made for this connection alone. */
    public static String clientId(ConnectOpen open, String prefix) {
        return open.getSessionId().isEmpty() ? prefix + "-" + UUID.randomUUID() : open.getSessionId();
    }

    /**
     * The server's side of a stream opened with {@code ping_interval_ms}: a ping to the client at that interval,
     * ahead of queued broadcasts, and the stream ended with UNAVAILABLE when the client has sent nothing for
     * {@code aliveTimeout} or three intervals, whichever is longer. Null when the client asked for no pings.
     *
     * @param onSilent runs after the stream was ended for the client's silence (to disconnect it)
     */
    public static StreamLiveness serverPings(ConnectOpen open, ScheduledExecutorService timers,
            Duration aliveTimeout, OutboundStream<ConnectEvent> out, Runnable onSilent) {
        if (open.getPingIntervalMs() == 0) {
            return null;
        }
        Duration interval = Duration.ofMillis(open.getPingIntervalMs());
        Duration deadline = max(aliveTimeout, interval.multipliedBy(SILENT_INTERVALS));
        StreamLiveness pings = StreamLiveness.start(timers, interval, deadline,
                () -> out.sendUrgent(ConnectEvent.newBuilder()
                        .setPing(Ping.newBuilder().setSentAtMs(System.currentTimeMillis())).build()),
                silentMs -> {
                    out.fail(Status.UNAVAILABLE.withDescription("no ping from the client for " + silentMs
                            + " ms (it asked for ping_interval_ms " + interval.toMillis() + " and must ping as often;"
                            + " the stream ends after " + deadline.toMillis() + " ms of silence); connect again"));
                    onSilent.run();
                });
        out.whenEnded(pings::stop);
        return pings;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
