package dev.vnet.wire;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/** Turns the ways a caller can bound a call into one absolute deadline on the {@code System.nanoTime} clock. */
public final class Deadlines {

    private Deadlines() {}

    /**
     * The sooner of {@code timeoutMs} (when positive) and the current gRPC call's deadline (when it has one);
     * {@code defaultMs} when neither is set.
     */
    public static long fromCall(long timeoutMs, long defaultMs) {
        long now = System.nanoTime();
        long deadline = now + TimeUnit.MILLISECONDS.toNanos(timeoutMs > 0 ? timeoutMs : defaultMs);
        Deadline grpc = Context.current().getDeadline();
        if (grpc != null) {
            long grpcDeadline = now + grpc.timeRemaining(TimeUnit.NANOSECONDS);
            if (timeoutMs <= 0 || grpcDeadline - deadline < 0) {
                deadline = grpcDeadline;
            }
        }
        return deadline;
    }

    /** Milliseconds left until {@code deadlineNanos}, at least 1: what to put in a forwarded frame's timeout. */
    public static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
