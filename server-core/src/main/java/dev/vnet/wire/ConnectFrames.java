package dev.vnet.wire;

import dev.vnet.proto.v1.ConnectFrame;
import dev.vnet.proto.v1.ConnectOpen;
import java.util.UUID;

/** The rules of a {@code Connect} stream's frames, the same on the network and on an agent. */
public final class ConnectFrames {

    private ConnectFrames() {}

    /**
     * What is wrong with a frame arriving on a Connect stream, or null when it is a valid {@code open}.
     *
     * @param connectedTo the uuid the stream is already connected to, or null
     */
    public static String problem(ConnectFrame frame, String connectedTo) {
        if (connectedTo != null) {
            return "this stream is already connected to " + connectedTo;
        }
        if (!frame.hasOpen()) {
            return "the first frame must be 'open'";
        }
        ConnectOpen open = frame.getOpen();
        return Names.first(Names.DEFAULT.idProblem("uuid", open.getUuid()),
                Names.DEFAULT.optionalIdProblem("session_id", open.getSessionId()));
    }

    /** The id the container knows the client by: its session, or one made for this connection alone. */
    public static String clientId(ConnectOpen open, String prefix) {
        return open.getSessionId().isEmpty() ? prefix + "-" + UUID.randomUUID() : open.getSessionId();
    }
}
