package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry thread acts on nothing while the leadership is in doubt. */
class RegistryLoopTest {

    private final Doubt doubt = new Doubt();
    private final RegistryLoop loop = new RegistryLoop(registry(), doubt);

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void commandsAndTicksWaitWhileTheLeaseIsInDoubtAndRunOnceItIsRenewed() throws Exception {
        loop.start(10);
        doubt.set(true);
        CompletableFuture<String> held = loop.call(registry -> "ran");

        assertThatThrownBy(() -> held.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        doubt.set(false);
        assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
    }

    @Test
    void commandsHeldWhileInDoubtAreDroppedWhenTheLeadershipIsGivenUpAndAFreshRegistryActsAgain() throws Exception {
        doubt.set(true);
        CompletableFuture<String> held = loop.call(registry -> "ran");
        CompletableFuture<String> queued = loop.compose(registry -> CompletableFuture.completedFuture("ran too"));
        assertThatThrownBy(() -> held.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

        loop.retire();
        assertThatThrownBy(() -> held.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("no longer leads");
        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        doubt.set(false);
        loop.replace(registry()).get(5, TimeUnit.SECONDS);
        assertThat(loop.call(registry -> "fresh").get(5, TimeUnit.SECONDS)).isEqualTo("fresh");
    }

    private static Registry registry() {
        return new RegistryHarness().registry.unchecked();
    }

    /** A mandate whose doubt the test sets. */
    private static final class Doubt implements Mandate {
        private volatile boolean inDoubt;

        synchronized void set(boolean value) {
            inDoubt = value;
            notifyAll();
        }

        @Override
        public boolean inDoubt() {
            return inDoubt;
        }

        @Override
        public synchronized void awaitSettled(long maxMillis) throws InterruptedException {
            if (inDoubt) {
                wait(Duration.ofMillis(maxMillis).toMillis());
            }
        }
    }
}
