package dev.vnet.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One run of one scenario: throughput, latencies (null when the scenario measures something else), errors, what
 * the spawned processes used, and the scenario's own figures ({@code extra}: a failover gap, a heap size...).
 */
record Measurement(String scenario, Map<String, Object> params, double throughput, Histogram latencies, long errors,
        String firstError, Map<String, ProcessUse> processes, Map<String, Double> extra) {

    /** CPU and memory one spawned process used while measured. */
    record ProcessUse(double cpuSeconds, long peakRssBytes) {}

    static Measurement of(String scenario, Map<String, Object> params, ClosedLoop.Outcome outcome,
            Map<String, ProcessUse> processes) {
        return new Measurement(scenario, params, outcome.throughput(), outcome.latencies(), outcome.errors(),
                outcome.firstError(), processes, new LinkedHashMap<>());
    }

    static Measurement figures(String scenario, Map<String, Object> params, Map<String, Double> extra,
            Map<String, ProcessUse> processes) {
        return new Measurement(scenario, params, 0, null, 0, null, processes, extra);
    }

    long completed() {
        return latencies == null ? 0 : latencies.getTotalCount();
    }
}
