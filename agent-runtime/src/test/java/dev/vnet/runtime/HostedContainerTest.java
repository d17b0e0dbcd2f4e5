package dev.vnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.client.Json;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;
import io.grpc.Status;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A self-fencing copy that moved while its agent was out of touch never answers: the agent ends the copy and then
 * lifts the fence (it registered again), and a call that reached the copy meanwhile must be refused however the
 * container's calls are scheduled. {@code StaleCopyIT} once caught such a call answered across processes.
 */
class HostedContainerTest {

    /** Runs what was submitted only when the test says: a queue behind a busy container. */
    private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();
    private final Executor held = queued::add;
    private final AtomicBoolean fenced = new AtomicBoolean();

    @Test
    void aCallThatArrivedWhileFencedIsRefusedEvenIfTheFenceLiftsBeforeItRuns() throws Exception {
        HostedContainer copy = copy(held);
        fenced.set(true);
        CompletableFuture<String> answer = call(copy);

        copy.terminate("moved while the agent was out of touch");
        fenced.set(false);
        runQueued();

        assertThat(answer.get(5, TimeUnit.SECONDS)).startsWith("refused UNAVAILABLE");
    }

    @Test
    void aCallThatArrivesAfterTheTerminationWasDecidedIsRefusedBeforeTheTerminationRuns() throws Exception {
        // As with CONCURRENT or INLINE threading: nothing orders the call behind the termination's task.
        HostedContainer copy = copy(held);
        copy.terminate("moved while the agent was out of touch");

        CompletableFuture<String> answer = call(copy);

        assertThat(answer).as("refused at once, before anything queued runs").isDone();
        assertThat(answer.get()).isEqualTo("refused UNAVAILABLE: container c-1 was terminated");
    }

    @Test
    void callsQueuedBeforeAnOrdinaryTerminationAreStillAnswered() throws Exception {
        HostedContainer copy = copy(held);
        CompletableFuture<String> answer = call(copy);

        copy.terminate("idle");
        runQueued();

        assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("answered 7");
    }

    private HostedContainer copy(Executor executor) {
        ContainerContext context = new ContainerContext("c-1", "kv", ContainerType.CONTAINER_TYPE_HA, List.of(),
                Payload.getDefaultInstance(), 7, "agent-1", (uuid, epoch, reason) -> { });
        Container container = call -> Json.encode(call.operation());
        return new HostedContainer(context, container, executor, fenced::get, 1024);
    }

    private static CompletableFuture<String> call(HostedContainer copy) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        copy.call(new Call("c-1", "whoami", Payload.getDefaultInstance(), "client-1", false),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(30), new ReplyTo() {
                    @Override
                    public void ok(Payload payload, long epoch) {
                        answer.complete("answered " + epoch);
                    }

                    @Override
                    public void fail(Error error) {
                        answer.complete("refused " + Status.fromCodeValue(error.getCode()).getCode() + ": "
                                + error.getMessage());
                    }
                }, null);
        return answer;
    }

    private void runQueued() {
        for (Runnable task = queued.poll(); task != null; task = queued.poll()) {
            task.run();
        }
    }
}
