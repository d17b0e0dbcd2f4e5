package dev.vnet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The regression check's verdict: the medians over the rounds of routed/echo and direct/echo against the
 * baseline's. Only a large drop fails, a ratio below {@link #FLOOR} of the baseline's: a slower or busier machine
 * slows the bare echo as well as vnet, and the interleaved rounds and the median absorb what noise remains.
 */
final class RatioCheck {

    /** The share of the baseline's ratio below which the check fails. */
    static final double FLOOR = 0.5;

    private RatioCheck() {}

    static double medianRoutedPerEcho(List<CheckRound> rounds) {
        return median(rounds, CheckRound::routedPerEcho);
    }

    static double medianDirectPerEcho(List<CheckRound> rounds) {
        return median(rounds, CheckRound::directPerEcho);
    }

    /** One line per ratio that fell below {@link #FLOOR} of the baseline's; none when the check passes. */
    static List<String> drops(CheckBaseline baseline, List<CheckRound> rounds) {
        List<String> drops = new ArrayList<>();
        drop("routed/echo", medianRoutedPerEcho(rounds), baseline.routedPerEcho(), drops);
        drop("direct/echo", medianDirectPerEcho(rounds), baseline.directPerEcho(), drops);
        return drops;
    }

    private static void drop(String name, double measured, double baseline, List<String> drops) {
        if (!(measured >= FLOOR * baseline)) { // NaN (an echo that did nothing) is a drop too
            drops.add(String.format("%s is %.3f, below %.0f %% of the baseline's %.3f (%.3f)", name, measured,
                    FLOOR * 100, baseline, FLOOR * baseline));
        }
    }

    private static double median(List<CheckRound> rounds, ToDoubleFunction<CheckRound> ratio) {
        return Report.median(rounds.stream().mapToDouble(ratio).toArray());
    }
}
