package dev.vnet.wire;

import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.Executor;

/**
 * The Netty event loop the calling thread runs, if it runs one. A stream written from an event loop (a frame that
 * is forwarded as soon as it is read) can let its writer wait for the end of the loop's current round of reads: the
 * frames read in that round then leave together, on the same thread, without waking another.
 */
final class EventLoops {

    private EventLoops() { }

    /** The event loop of the calling thread, or null for any other thread (an application's, a worker's). */
    static Executor current() {
        // Netty keeps the executor of each event-loop thread here; the class is public, in Netty's internal package.
        return ThreadExecutorMap.currentExecutor();
    }
}
