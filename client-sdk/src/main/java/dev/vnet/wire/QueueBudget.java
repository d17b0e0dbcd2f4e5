package dev.vnet.wire;

import java.util.function.Consumer;

/**
 * How much one {@link OutboundStream} may queue for a reader slower than its writer, and what happens to a reader
 * that falls further behind.
 *
 * @param maxFrames messages that may wait (control frames included)
 * @param maxBytes bytes of data messages that may wait
 * @param maxBytesSetting the configuration key of {@code maxBytes}, named in the status of a dropped reader
 * @param total the process-wide budget this stream's data also counts against; null for none
 * @param dropReader true: a reader past the budget is dropped with RESOURCE_EXHAUSTED; false: only the message that
 *        does not fit is refused, and the writer decides
 * @param onDrop told which budget ("frames", "stream" or "total") a reader was dropped for: a metric counts them
 */
public record QueueBudget(int maxFrames, long maxBytes, String maxBytesSetting, SharedBytes total,
        boolean dropReader, Consumer<String> onDrop) {

    /** Which budget stopped a message. */
    public static final String FRAMES = "frames";
    public static final String STREAM = "stream";
    public static final String TOTAL = "total";

    public QueueBudget {
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("queue budgets must be positive (" + maxFrames + " frames, "
                    + maxBytes + " bytes, " + maxBytesSetting + ")");
        }
        onDrop = onDrop == null ? budget -> { } : onDrop;
    }

    /**
     * A budget for a stream whose writer decides what to do with a message that does not fit, alone in its
     * process (a client's stream to the network).
     */
    public static QueueBudget writerDecides(int maxFrames, long maxBytes) {
        return new QueueBudget(maxFrames, maxBytes, "", null, false, null);
    }

    /** The same budget without the process-wide part. */
    public QueueBudget alone() {
        return new QueueBudget(maxFrames, maxBytes, maxBytesSetting, null, dropReader, onDrop);
    }
}
