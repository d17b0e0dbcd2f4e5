package dev.vnet.bench;

import dev.vnet.client.VnetClient;
import dev.vnet.it.support.VnetProcesses;
import dev.vnet.proto.v1.Payload;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code bin/vnet bench check}: a short run that catches a large regression of the request paths on any machine.
 * It spawns one cluster and a bare gRPC echo, runs routed, direct and grpc-echo one after the other for a few
 * rounds (the order turning each round, so that a drift of the machine's speed touches all three alike), and
 * compares the best rounds' routed/echo and direct/echo with the committed baseline ({@link RatioCheck}). A check
 * that fails measures as many rounds again and fails only if those fail too: a burst of load can spoil a few
 * rounds, a regression spoils them all. On a machine loaded beyond {@link RatioCheck#tooLoaded} a drop is
 * reported but not judged: there the ratios follow the contention, not the code.
 */
final class RegressionCheck {

    static final int IN_FLIGHT = 25;
    static final int PAYLOAD_BYTES = 64;
    static final int ROUNDS = 3;
    /** The first round warms each path's code up (a fresh JVM compiles for seconds); later rounds need little. */
    static final Duration FIRST_WARMUP = Duration.ofSeconds(4);
    static final Duration WARMUP = Duration.ofMillis(500);
    static final Duration MEASURED = Duration.ofSeconds(2);
    static final String COMMAND = "bin/vnet bench check --write-baseline";

    private static final List<String> PATHS = List.of("routed", "direct", "grpc-echo");

    private RegressionCheck() {}

    /** Runs the check; writes the baseline instead of comparing when {@code writeBaseline}. Answers the exit code. */
    static int run(SpawnSettings where, Path baselineFile, boolean writeBaseline) throws Exception {
        CheckBaseline baseline = writeBaseline ? null : CheckBaseline.read(baselineFile);
        long started = System.nanoTime();
        double load = Scenarios.loadAverage();
        Payload payload = RequestPayload.of(RequestPayload.Format.bytes, PAYLOAD_BYTES);
        try (Cluster cluster = Cluster.spawn(Map.of("agent-1", Map.of()), where);
                VnetClient client = Scenarios.client(cluster);
                VnetCalls calls = new VnetCalls(client, cluster.endpoint(), payload);
                BareEcho echo = BareEcho.start(VnetProcesses.logs())) {
            Map<String, Supplier<CompletableFuture<?>>> loads = new LinkedHashMap<>();
            loads.put("routed", calls.of("routed"));
            loads.put("direct", calls.of("direct"));
            loads.put("grpc-echo", SampledEchoCheck.of(() -> echo.echo(payload, VnetCalls.CALL_TIMEOUT), payload));
            List<CheckRound> rounds = measure(loads, 0);
            if (writeBaseline) {
                CheckBaseline made = made(rounds);
                made.write(baselineFile);
                System.out.printf("bench check: wrote %s: routed/echo %.3f, direct/echo %.3f (best rounds)%n",
                        baselineFile, made.routedPerEcho(), made.directPerEcho());
                return 0;
            }
            List<String> drops = RatioCheck.drops(baseline, rounds);
            if (!drops.isEmpty()) {
                System.out.println("bench check: below the baseline (" + String.join("; ", drops) + "); measuring "
                        + ROUNDS + " more rounds to tell a regression from a burst of load");
                rounds = measure(loads, rounds.size());
                drops = RatioCheck.drops(baseline, rounds);
            }
            String summary = String.format("best of %d rounds routed/echo %.3f (median %.3f, baseline %.3f), "
                    + "direct/echo %.3f (median %.3f, baseline %.3f); %.0f s in all, load %.1f; baseline of %s by "
                    + "'%s' at load %.1f", rounds.size(), RatioCheck.bestRoutedPerEcho(rounds),
                    RatioCheck.medianRoutedPerEcho(rounds), baseline.routedPerEcho(),
                    RatioCheck.bestDirectPerEcho(rounds), RatioCheck.medianDirectPerEcho(rounds),
                    baseline.directPerEcho(),
                    (System.nanoTime() - started) / 1e9, Scenarios.loadAverage(), baseline.date(), baseline.command(),
                    baseline.load1());
            if (drops.isEmpty()) {
                System.out.println("bench check: passed: " + summary);
                return 0;
            }
            load = Math.max(load, Scenarios.loadAverage());
            int cores = Runtime.getRuntime().availableProcessors();
            if (RatioCheck.tooLoaded(load, cores)) {
                System.out.printf("bench check: NOT JUDGED: %s, but the machine was too loaded for the ratios to "
                        + "mean anything (load %.1f on %d cores, above %.0f per core); %s%n", String.join("; ", drops),
                        load, cores, RatioCheck.LOADED_PER_CORE, summary);
                return 0;
            }
            System.out.println("bench check: FAILED: " + String.join("; ", drops) + ". " + summary);
            return 1;
        }
    }

    /**
     * {@link #ROUNDS} rounds, numbered from {@code first} (0: the first warms up); a call that fails stops the
     * check, since that is a fault, not a slowdown.
     */
    private static List<CheckRound> measure(Map<String, Supplier<CompletableFuture<?>>> loads, int first)
            throws InterruptedException {
        List<CheckRound> rounds = new ArrayList<>();
        for (int round = first; round < first + ROUNDS; round++) {
            Map<String, Double> perSecond = new LinkedHashMap<>();
            for (int p = 0; p < PATHS.size(); p++) {
                String path = PATHS.get((round + p) % PATHS.size());
                ClosedLoop.Outcome outcome = ClosedLoop.run(loads.get(path), IN_FLIGHT,
                        round == 0 ? FIRST_WARMUP : WARMUP, MEASURED, () -> {});
                if (outcome.errors() > 0) {
                    throw new IllegalStateException(path + ": " + outcome.errors() + " calls failed in round "
                            + (round + 1) + ", the first with " + outcome.firstError());
                }
                perSecond.put(path, outcome.throughput());
            }
            CheckRound measured = new CheckRound(perSecond.get("routed"), perSecond.get("direct"),
                    perSecond.get("grpc-echo"));
            rounds.add(measured);

            System.out.printf("round %d: routed %.0f/s, direct %.0f/s, grpc-echo %.0f/s: routed/echo %.3f, "
                    + "direct/echo %.3f%n", round + 1, measured.routed(), measured.direct(), measured.echo(),
                    measured.routedPerEcho(), measured.directPerEcho());
            System.out.flush();
        }
        return rounds;
    }

    private static CheckBaseline made(List<CheckRound> rounds) {
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put("routed", Report.median(rounds.stream().mapToDouble(CheckRound::routed).toArray()));
        medians.put("direct", Report.median(rounds.stream().mapToDouble(CheckRound::direct).toArray()));
        medians.put("grpc-echo", Report.median(rounds.stream().mapToDouble(CheckRound::echo).toArray()));
        return new CheckBaseline(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), COMMAND,
                Scenarios.loadAverage(), IN_FLIGHT, PAYLOAD_BYTES, RatioCheck.bestRoutedPerEcho(rounds),
                RatioCheck.bestDirectPerEcho(rounds), medians);
    }
}
