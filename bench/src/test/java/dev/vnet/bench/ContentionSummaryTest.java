package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ContentionSummaryTest {

    /** One round: {@code throughput} calls per second, every latency {@code p99Micros}, with the given figures. */
    private static Measurement round(double throughput, long p99Micros, double fairShare, double vnetCores) {
        Histogram latencies = new Histogram(3);
        latencies.recordValueWithCount(p99Micros * 1000, 100);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("fairShare", fairShare);
        extra.put("vnetCores", vnetCores);
        return new Measurement("contention", Map.of(), throughput, latencies, 0, null, Map.of(), extra);
    }

    @Test
    void fairShareIsVnetsProcessesAmongAllBusyOnes() {
        assertThat(ContentionSummary.fairShare(3, 0)).isEqualTo(1.0);
        assertThat(ContentionSummary.fairShare(3, 2)).isEqualTo(0.6);
        assertThat(ContentionSummary.fairShare(3, 8)).isCloseTo(3 / 11.0, within(1e-12));
        assertThatThrownBy(() -> ContentionSummary.fairShare(0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentionSummary.fairShare(3, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void measuredShareIsVnetsPartOfTheCpuUsedWithTheHogs() {
        assertThat(ContentionSummary.measuredShare(3, 1)).isEqualTo(0.75);
        assertThat(ContentionSummary.measuredShare(2, 0)).isEqualTo(1.0);
        assertThat(ContentionSummary.measuredShare(0, 0)).isEqualTo(1.0);
    }

    @Test
    void aLevelThatKeepsItsShareHoldsEveryBound() {
        List<Measurement> idle = List.of(round(1000, 100, 1, 2), round(1100, 120, 1, 2), round(900, 80, 1, 2));
        List<Measurement> level = List.of(round(700, 300, 0.6, 1.2), round(600, 200, 0.6, 1.2),
                round(650, 250, 0.6, 1.0));

        Map<String, Double> figures = ContentionSummary.compare(idle, level);

        assertThat(figures.get("fractionOfIdle")).isCloseTo(0.65, within(1e-9));
        assertThat(figures.get("fairShare")).isEqualTo(0.6);
        assertThat(figures.get("cpuFractionOfIdle")).isCloseTo(0.6, within(1e-9));
        assertThat(figures.get("p99VsIdle")).isCloseTo(2.5, within(0.01));
        assertThat(figures.get("roundSpread")).isCloseTo(700 / 600.0, within(1e-9));
        assertThat(figures).containsEntry("holdsShare", 1.0).containsEntry("holdsP99", 1.0)
                .containsEntry("holdsSpread", 1.0);
    }

    @Test
    void aCollapseFailsEachBoundItBreaks() {
        List<Measurement> idle = List.of(round(1000, 100, 1, 2));
        List<Measurement> level = List.of(round(400, 1500, 0.6, 1.2), round(100, 900, 0.6, 1.2),
                round(300, 1200, 0.6, 1.2));

        Map<String, Double> figures = ContentionSummary.compare(idle, level);

        assertThat(figures.get("fractionOfIdle")).isCloseTo(0.3, within(1e-9));
        assertThat(figures).containsEntry("holdsShare", 0.0).containsEntry("holdsP99", 0.0)
                .containsEntry("holdsSpread", 0.0);
        assertThat(ContentionSummary.roundSpread(List.of(round(0, 1, 1, 1), round(5, 1, 1, 1))))
                .isInfinite();
    }
}
