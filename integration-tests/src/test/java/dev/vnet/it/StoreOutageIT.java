package dev.vnet.it;

import static dev.vnet.it.support.VnetProcesses.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.it.support.PrivatePostgres;
import dev.vnet.it.support.VnetProcess;
import dev.vnet.it.support.VnetProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away: a coordinator waits for it at start (saying so, readiness DOWN), and one that is already
 * serving keeps routing while its writes wait, then catch up. The coordinator's database is on a private
 * PostgreSQL of the test's own, which it stops and starts; the machine's is never touched.
 */
class StoreOutageIT {

    /** Routed requests that must be answered in a phase of the outage, to show that routing goes on. */
    private static final int ANSWERS = 50;

    /** How often the coordinator tries its database again at start; short, so that the test sees several tries. */
    private static final Duration RETRY = Duration.ofMillis(100);

    @Test
    void aCoordinatorWaitsForItsDatabaseAndThenSurvivesLosingIt() throws InterruptedException {
        PrivatePostgres.missing().ifPresent(Assumptions::abort);
        try (PrivatePostgres postgres = PrivatePostgres.start(); VnetProcesses processes = new VnetProcesses(postgres)) {
            postgres.stop();
            // A leader lease longer than the outage below: stopping and starting PostgreSQL takes seconds on a loaded
            // machine, and a leader whose lease runs out meanwhile is rightly deposed, ends its streams and drops its
            // term's pending writes, which is not what this test is about (LeaderElectionTest and
            // CoordinatorHaIT are). Seen once: the container created during the outage missing from the store.
            VnetProcess network = processes.network("network", Map.of("vnet.store.retry-interval",
                    RETRY.toMillis() + "ms", "vnet.network.leader.lease", "60s"));
            await().atMost(READY).until(() -> network.logTail(100).contains("is not usable")
                    && network.healthStatus("live") == 200);
            assertThat(network.healthStatus("ready")).isEqualTo(503);
            // Repeated failures are logged once: no event marks a failed try, so the log is watched for a few of
            // them (five retry intervals) and must not say it again.
            await().during(RETRY.multipliedBy(5)).atMost(RETRY.multipliedBy(5).plusSeconds(5))
                    .untilAsserted(() -> assertThat(network.logTail(100)).containsOnlyOnce("is not usable"));
            postgres.startAgain();
            network.awaitReady(READY);

            processes.agent("agent-1", network.endpoint(), Map.of()).awaitReady(READY);
            try (VnetClient client = VnetClient.builder().network(network.endpoint()).build()
                    .awaitConnected(READY)) {
                ContainerRef echo = client.get(GetOptions.kind("echo"));
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger answered = new AtomicInteger();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread load = new Thread(() -> {
                    while (running.get()) {
                        try {
                            echo.request("ping", answered.get(), Integer.class);
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
                load.start();
                long mark = network.logMark();
                postgres.stop();
                // The outage is real once the coordinator's writes have failed; routed requests go on meanwhile.
                await().atMost(Duration.ofSeconds(20)).until(() -> network.logSince(mark)
                        .contains("store writes are failing"));
                int before = answered.get();
                await().alias("routed requests go on without the database").atMost(Duration.ofSeconds(20))
                        .until(() -> answered.get() >= before + ANSWERS);
                String createdDuringOutage = client.get(GetOptions.kind("kv")).uuid();
                postgres.startAgain();
                Instant backAt = Instant.now();
                await().atMost(Duration.ofSeconds(20)).until(() -> network.logSince(mark).contains("caught up"));
                int caughtUp = answered.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= caughtUp + ANSWERS);
                running.set(false);
                // Each request in the loop has the client's deadline; this bounds the wait for the last one.
                load.join(Duration.ofSeconds(60).toMillis());
                assertThat(load.isAlive()).as("the load thread ended").isFalse();
                assertThat(failure.get()).as("no routed request failed").isNull();

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(processes.database().query("SELECT uuid FROM containers"))
                            .contains(createdDuringOutage);
                    assertThat(processes.database().query("SELECT agent_id FROM node_health WHERE last_heartbeat > '"
                            + backAt + "'")).containsExactly("agent-1");
                });
            }
        }
    }
}
