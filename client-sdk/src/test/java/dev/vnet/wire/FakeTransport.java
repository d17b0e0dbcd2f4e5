package dev.vnet.wire;

import dev.vnet.proto.v1.Payload;
import io.grpc.stub.CallStreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport whose readiness the test turns on and off, and that records what was written; it also notes when two
 * threads ever wrote at the same time, which a gRPC observer does not allow.
 */
final class FakeTransport extends CallStreamObserver<Payload> {
    final List<Payload> written = Collections.synchronizedList(new ArrayList<>());
    volatile Throwable error;
    volatile boolean completed;
    volatile boolean ready;
    /** Writes after which the transport stops being ready by itself (its window is full); -1 for never. */
    volatile int readyFor = -1;
    volatile boolean overlapped;
    private final AtomicInteger inWrite = new AtomicInteger();
    Runnable onReady;
    /** Runs inside every write while set: a test holds a writer there. */
    volatile Runnable duringWrite;

    void becomeReady() {
        ready = true;
        onReady.run();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
        onReady = handler;
    }

    @Override
    public void disableAutoInboundFlowControl() { }

    @Override
    public void request(int count) { }

    @Override
    public void setMessageCompression(boolean enable) { }

    @Override
    public void onNext(Payload value) {
        if (inWrite.incrementAndGet() > 1) {
            overlapped = true;
        }
        written.add(value);
        Runnable hook = duringWrite;
        if (hook != null) {
            hook.run();
        }
        if (readyFor >= 0 && --readyFor == 0) {
            ready = false;
        }
        inWrite.decrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }
}
