package dev.vnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Prints what the scenarios measured: per measurement the median over its runs and the spread (min..max), as a
 * table for people or one JSON object per line for scripts. Latencies are in microseconds.
 */
final class Report {

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean json;
    private boolean errors;

    Report(boolean json) {
        this.json = json;
    }

    void add(List<Measurement> runs) {
        errors |= runs.stream().anyMatch(run -> run.errors() > 0);
        if (json) {
            System.out.println(toJson(runs));
        } else {
            System.out.println(line(runs));
        }
        System.out.flush();
    }

    void finish() {
        if (!json) {
            System.out.println();
            System.out.println("latencies in µs; figures are medians over the runs, [min..max] their spread");
        }
    }

    boolean anyErrors() {
        return errors;
    }

    static String line(List<Measurement> runs) {
        Measurement first = runs.get(0);
        StringBuilder out = new StringBuilder(String.format("%-13s %-28s", first.scenario(), first.params()));
        if (first.latencies() != null) {
            out.append(String.format(" %10.0f/s [%s]", median(runs, Measurement::throughput),
                    spread(runs, Measurement::throughput)));
            for (double p : PERCENTILES) {
                out.append(String.format(" p%s %.0f", trim(p), median(runs, m -> micros(m, p))));
            }
            out.append(String.format(" max %.0f", median(runs, m -> m.latencies().getMaxValue() / 1000.0)));
            out.append(" errors ").append(runs.stream().mapToLong(Measurement::errors).sum());
        }
        for (String key : extraKeys(runs)) {
            ToDoubleFunction<Measurement> ofRun = m -> m.extra().getOrDefault(key, 0.0);
            double[] values = runs.stream().mapToDouble(ofRun).sorted().toArray();
            out.append(String.format(" %s %s [%s..%s]", key, figure(median(values)), figure(values[0]),
                    figure(values[values.length - 1])));
        }
        for (String process : processNames(runs)) {
            List<Measurement> measured = runsWith(runs, process);
            out.append(String.format(" | %s cpu %.1fs%s rss %.0fMB", process,
                    median(measured, m -> m.processes().get(process).cpuSeconds()),
                    first.completed() > 0 && process.equals("network") ? String.format(" (%.1f µs/call)",
                            median(measured, m -> cpuMicrosPerCall(m, process))) : "",
                    median(measured, m -> m.processes().get(process).peakRssBytes() / 1048576.0)));
        }
        firstError(runs).ifPresent(error -> out.append("\n    first error: ").append(error));
        return out.toString();
    }

    /** The first failure any run saw, if one did: what to look into when errors are counted. */
    private static Optional<String> firstError(List<Measurement> runs) {
        return runs.stream().map(Measurement::firstError).filter(Objects::nonNull).findFirst();
    }

    static String toJson(List<Measurement> runs) {
        Measurement first = runs.get(0);
        ObjectNode node = JSON.createObjectNode();
        node.put("scenario", first.scenario());
        node.set("params", JSON.valueToTree(first.params()));
        node.put("runs", runs.size());
        if (first.latencies() != null) {
            node.set("throughput", stats(runs, Measurement::throughput));
            ObjectNode latency = node.putObject("latencyUs");
            for (double p : PERCENTILES) {
                latency.put("p" + trim(p), median(runs, m -> micros(m, p)));
            }
            latency.put("max", median(runs, m -> m.latencies().getMaxValue() / 1000.0));
            node.put("errors", runs.stream().mapToLong(Measurement::errors).sum());
            firstError(runs).ifPresent(error -> node.put("firstError", error));
        }
        ObjectNode extra = node.putObject("figures");
        for (String key : extraKeys(runs)) {
            extra.set(key, stats(runs, m -> m.extra().getOrDefault(key, 0.0)));
        }
        ObjectNode processes = node.putObject("processes");
        for (String process : processNames(runs)) {
            List<Measurement> measured = runsWith(runs, process);
            ObjectNode use = processes.putObject(process);
            use.put("runs", measured.size());
            use.put("cpuSeconds", median(measured, m -> m.processes().get(process).cpuSeconds()));
            if (first.completed() > 0) {
                use.put("cpuMicrosPerCall", median(measured, m -> cpuMicrosPerCall(m, process)));
            }
            use.put("peakRssMb", median(measured, m -> m.processes().get(process).peakRssBytes() / 1048576.0));
        }
        return node.toString();
    }

    private static ObjectNode stats(List<Measurement> runs, ToDoubleFunction<Measurement> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        ObjectNode stats = JSON.createObjectNode();
        stats.put("median", median(values));
        stats.put("min", values[0]);
        stats.put("max", values[values.length - 1]);
        return stats;
    }

    private static double micros(Measurement m, double percentile) {
        return m.latencies().getValueAtPercentile(percentile) / 1000.0;
    }

    static double median(List<Measurement> runs, ToDoubleFunction<Measurement> value) {
        return median(runs.stream().mapToDouble(value).sorted().toArray());
    }

    /** The median of {@code values} (in any order). */
    static double median(double[] values) {
        double[] sorted = Arrays.copyOf(values, values.length);
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** A scenario's own figure: two decimals for shares and ratios, one for milliseconds and counts. */
    private static String figure(double value) {
        return String.format(Math.abs(value) < 10 ? "%.2f" : "%.1f", value);
    }

    private static String spread(List<Measurement> runs, ToDoubleFunction<Measurement> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        return String.format("%.0f..%.0f", values[0], values[values.length - 1]);
    }

    private static TreeSet<String> extraKeys(List<Measurement> runs) {
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(run -> keys.addAll(run.extra().keySet()));
        return keys;
    }

    /**
     * The processes any run measured. Runs may differ: a failover run kills whichever agent holds the container,
     * and a dead process has no figures.
     */
    private static TreeSet<String> processNames(List<Measurement> runs) {
        TreeSet<String> names = new TreeSet<>();
        runs.forEach(run -> names.addAll(run.processes().keySet()));
        return names;
    }

    private static List<Measurement> runsWith(List<Measurement> runs, String process) {
        return runs.stream().filter(run -> run.processes().containsKey(process)).toList();
    }

    private static double cpuMicrosPerCall(Measurement run, String process) {
        return run.processes().get(process).cpuSeconds() * 1e6 / Math.max(1, run.completed());
    }

    private static String trim(double percentile) {
        return percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile);
    }
}
