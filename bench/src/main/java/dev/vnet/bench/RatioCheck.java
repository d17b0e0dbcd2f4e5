package dev.vnet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The regression check's verdict on routed/echo and direct/echo. Each ratio is taken from the best of the rounds:
 * load only ever spoils a round (and spoils vnet's three processes more than the echo's two: at load 25-30 on this
 * two-core machine the routed/echo of single rounds ranged from 0.11 to 0.63 within one run), while a regression
 * lowers every round. The median over the rounds is reported beside it. Only a large drop fails, a best ratio
 * below {@link #FLOOR} of the baseline's: a slower or busier machine slows the bare echo as well as vnet.
 */
final class RatioCheck {

    /** The share of the baseline's ratio below which the check fails. */
    static final double FLOOR = 0.5;
    /**
     * Runnable processes per core above which a drop is not judged. On this two-core machine at load 25-30, two
     * baseline runs a few minutes apart measured routed/echo at best 0.62 and 0.06: vnet under contention (three
     * processes) and the echo (two) are then no longer in proportion, so the ratio says nothing about the code.
     */
    static final double LOADED_PER_CORE = 2;

    private RatioCheck() {}

    static double bestRoutedPerEcho(List<CheckRound> rounds) {
        return best(rounds, CheckRound::routedPerEcho);
    }

    static double bestDirectPerEcho(List<CheckRound> rounds) {
        return best(rounds, CheckRound::directPerEcho);
    }

    static double medianRoutedPerEcho(List<CheckRound> rounds) {
        return Report.median(rounds.stream().mapToDouble(CheckRound::routedPerEcho).toArray());
    }

    static double medianDirectPerEcho(List<CheckRound> rounds) {
        return Report.median(rounds.stream().mapToDouble(CheckRound::directPerEcho).toArray());
    }

    /** One line per ratio whose best round fell below {@link #FLOOR} of the baseline's; none when it passes. */
    static List<String> drops(CheckBaseline baseline, List<CheckRound> rounds) {
        List<String> drops = new ArrayList<>();
        drop("routed/echo", bestRoutedPerEcho(rounds), baseline.routedPerEcho(), drops);
        drop("direct/echo", bestDirectPerEcho(rounds), baseline.directPerEcho(), drops);
        return drops;
    }

    private static void drop(String name, double measured, double baseline, List<String> drops) {
        if (!(measured >= FLOOR * baseline)) { // NaN (an echo that did nothing) is a drop too
            drops.add(String.format("%s is %.3f at best, below %.0f %% of the baseline's %.3f (%.3f)", name,
                    measured, FLOOR * 100, baseline, FLOOR * baseline));
        }
    }

    /** Whether a machine at this one-minute load average is too busy for a drop to mean a regression. */
    static boolean tooLoaded(double load1, int cores) {
        return load1 > LOADED_PER_CORE * cores;
    }

    /** The highest ratio of the rounds; NaN when a round's is NaN (an echo that did nothing). */
    private static double best(List<CheckRound> rounds, ToDoubleFunction<CheckRound> ratio) {
        double best = Double.NEGATIVE_INFINITY;
        for (CheckRound round : rounds) {
            double value = ratio.applyAsDouble(round);
            if (Double.isNaN(value)) {
                return Double.NaN;
            }
            best = Math.max(best, value);
        }
        return best;
    }
}
