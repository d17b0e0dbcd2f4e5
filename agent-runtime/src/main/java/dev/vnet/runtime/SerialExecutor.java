package dev.vnet.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a container's "mailbox". After a batch of
 * tasks it yields its pool thread, so one busy container cannot starve the others.
 */
final class SerialExecutor implements Executor {

    private static final int BATCH = 64;

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.addLast(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule(task);
    }

    private void schedule(Runnable justAdded) {
        try {
            pool.execute(this::runBatch);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                scheduled = false;
                tasks.removeLastOccurrence(justAdded);
            }
            throw e;
        }
    }

    private void runBatch() {
        for (int i = 0; i < BATCH; i++) {
            Runnable next;
            synchronized (this) {
                next = tasks.pollFirst();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            next.run();
        }
        // More work is waiting: go to the back of the pool's queue instead of holding this thread.
        pool.execute(this::runBatch);
    }
}
