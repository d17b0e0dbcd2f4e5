package dev.vnet.runtime;

/** How the agent runtime runs a kind's container code. */
public enum Threading {
    /**
     * One call at a time per container, on the runtime's worker threads, in arrival order (actor style). The
     * default: container code may block and needs no locks for its own state.
     */
    SERIAL,
    /** Calls may run in parallel on the worker threads: for thread-safe code that may block. */
    CONCURRENT,
    /**
     * Calls run on the gRPC transport thread that received them, without a thread hand-off: the fastest, for
     * thread-safe code that never blocks (no I/O, no locks held for long, no sleeping). Blocking here stalls every
     * call on that connection.
     */
    INLINE
}
