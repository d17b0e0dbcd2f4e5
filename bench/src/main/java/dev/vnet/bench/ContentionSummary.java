package dev.vnet.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one level of CPU contention compares with the idle reference measured in the same rounds, against what
 * issue 19 asks: throughput falls no faster than vnet's share of the CPU, p99 stays within 10× of idle, and the
 * rounds agree within 2×.
 */
final class ContentionSummary {

    /** How far p99 may grow over the idle reference. */
    static final double P99_BOUND = 10;
    /** How far the throughput of one level may differ between rounds (largest over smallest). */
    static final double SPREAD_BOUND = 2;

    private ContentionSummary() {}

    /**
     * vnet's fair share of the runnable work when its {@code vnetProcesses} compete with {@code hogs} always-busy
     * processes: what a scheduler that is fair between processes gives it, relative to having the CPU to itself.
     */
    static double fairShare(int vnetProcesses, int hogs) {
        if (vnetProcesses <= 0 || hogs < 0) {
            throw new IllegalArgumentException("vnetProcesses " + vnetProcesses + ", hogs " + hogs);
        }
        return vnetProcesses / (double) (vnetProcesses + hogs);
    }

    /** The share of the CPU time used by vnet and the hogs together that went to vnet (1 when nothing ran). */
    static double measuredShare(double vnetCpuSeconds, double hogCpuSeconds) {
        double total = vnetCpuSeconds + hogCpuSeconds;
        return total <= 0 ? 1 : vnetCpuSeconds / total;
    }

    /**
     * One level against the idle reference, each a list of rounds. Both carry the {@code fairShare} and
     * {@code vnetCores} figures of {@link Contention}. Verdicts are 1 (holds) or 0.
     */
    static Map<String, Double> compare(List<Measurement> idle, List<Measurement> level) {
        double fraction = Report.median(level, Measurement::throughput) / Report.median(idle, Measurement::throughput);
        double fairShare = Report.median(level, m -> m.extra().get("fairShare"));
        double cpuFraction = Report.median(level, m -> m.extra().get("vnetCores"))
                / Report.median(idle, m -> m.extra().get("vnetCores"));
        double p99 = Report.median(level, m -> m.latencies().getValueAtPercentile(99))
                / Report.median(idle, m -> m.latencies().getValueAtPercentile(99));
        double spread = roundSpread(level);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("fractionOfIdle", fraction);
        figures.put("fairShare", fairShare);
        figures.put("cpuFractionOfIdle", cpuFraction);
        figures.put("p99VsIdle", p99);
        figures.put("roundSpread", spread);
        figures.put("holdsShare", verdict(fraction >= fairShare));
        figures.put("holdsP99", verdict(p99 <= P99_BOUND));
        figures.put("holdsSpread", verdict(spread <= SPREAD_BOUND));
        return figures;
    }

    /** Largest over smallest throughput of the rounds (infinite when a round completed nothing). */
    static double roundSpread(List<Measurement> rounds) {
        double min = rounds.stream().mapToDouble(Measurement::throughput).min().orElseThrow();
        double max = rounds.stream().mapToDouble(Measurement::throughput).max().orElseThrow();
        return min <= 0 ? Double.POSITIVE_INFINITY : max / min;
    }

    private static double verdict(boolean holds) {
        return holds ? 1 : 0;
    }
}
