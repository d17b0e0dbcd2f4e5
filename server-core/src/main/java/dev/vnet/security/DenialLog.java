package dev.vnet.security;

import java.lang.System.Logger.Level;

/**
 * One log line per refused call (who, what, from where, why; the time is the log's), never the token. A flood of
 * bad calls must not become a flood of log lines: past a number of lines per window, denials are only counted,
 * and the count is logged when the next window opens.
 */
public final class DenialLog {

    private static final System.Logger LOG = System.getLogger("dev.vnet.security.denials");
    private static final DenialLog SHARED = new DenialLog(20, 10_000);

    private final int linesPerWindow;
    private final long windowMillis;
    private long windowStartMs;
    private int logged;
    private int suppressed;

    DenialLog(int linesPerWindow, long windowMillis) {
        this.linesPerWindow = linesPerWindow;
        this.windowMillis = windowMillis;
    }

    /** The log every vnet server in this process shares. */
    public static DenialLog shared() {
        return SHARED;
    }

    /**
     * @param who the principal's name, or a description of the caller when it could not be authenticated
     * @param what the method or message refused
     */
    public void denied(String who, String what, Object peer, String why) {
        int dropped;
        synchronized (this) {
            long now = System.currentTimeMillis();
            dropped = 0;
            if (now - windowStartMs >= windowMillis) {
                dropped = suppressed;
                windowStartMs = now;
                logged = 0;
                suppressed = 0;
            }
            if (logged >= linesPerWindow) {
                suppressed++;
                return;
            }
            logged++;
        }
        if (dropped > 0) {
            int count = dropped;
            LOG.log(Level.WARNING, () -> count + " more denied calls were not logged in the previous "
                    + windowMillis / 1000 + " s");
        }
        LOG.log(Level.WARNING, () -> "denied " + what + " to " + who + " from " + peer + ": " + why);
    }
}
