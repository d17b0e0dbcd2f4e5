package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatioCheckTest {

    /** routed/echo 0.5, direct/echo 0.8. */
    private static final CheckBaseline BASELINE = new CheckBaseline("2026-12-02T14:00:00Z",
            RegressionCheck.COMMAND, 0.5, 25, 64, 0.5, 0.8, Map.of());

    @Test
    void passesAtTheBaselineAndAtModestDrops() {
        assertThat(RatioCheck.drops(BASELINE, List.of(round(50, 80, 100), round(60, 90, 100), round(40, 70, 100))))
                .isEmpty();
        assertThat(RatioCheck.drops(BASELINE, List.of(round(26, 41, 100)))).isEmpty();
    }

    @Test
    void aRatioBelowHalfTheBaselineInEveryRoundFailsWithItsFigures() {
        List<String> drops = RatioCheck.drops(BASELINE, List.of(round(20, 80, 100), round(24, 80, 100),
                round(22, 80, 100)));

        assertThat(drops).singleElement().asString().startsWith("routed/echo is 0.240 at best")
                .contains("baseline's 0.500 (0.250)");
    }

    @Test
    void bothRatiosAreJudged() {
        assertThat(RatioCheck.drops(BASELINE, List.of(round(10, 30, 100)))).hasSize(2);
    }

    @Test
    void roundsSpoiledByLoadPassWhileOneIsClean() {
        assertThat(RatioCheck.drops(BASELINE, List.of(round(5, 10, 100), round(11, 30, 100), round(48, 78, 100))))
                .isEmpty();
    }

    @Test
    void reportsTheMedianBesideTheBest() {
        List<CheckRound> rounds = List.of(round(10, 70, 100), round(30, 80, 100), round(60, 90, 100));

        assertThat(RatioCheck.bestRoutedPerEcho(rounds)).isEqualTo(0.6);
        assertThat(RatioCheck.medianRoutedPerEcho(rounds)).isEqualTo(0.3);
        assertThat(RatioCheck.bestDirectPerEcho(rounds)).isEqualTo(0.9);
        assertThat(RatioCheck.medianDirectPerEcho(rounds)).isEqualTo(0.8);
    }

    @Test
    void aMachineTwiceAsFastDoesNotMatterOnlyTheRatio() {
        assertThat(RatioCheck.drops(BASELINE, List.of(round(100, 160, 200)))).isEmpty();
        assertThat(RatioCheck.drops(BASELINE, List.of(round(40, 160, 200)))).hasSize(1);
    }

    @Test
    void anEchoThatDidNothingIsADropNotAPass() {
        assertThat(RatioCheck.drops(BASELINE, List.of(round(50, 80, 100), round(0, 0, 0)))).hasSize(2);
    }

    @Test
    void aDropIsJudgedUpToTwoRunnableProcessesPerCore() {
        assertThat(RatioCheck.tooLoaded(0.7, 2)).isFalse();
        assertThat(RatioCheck.tooLoaded(4.0, 2)).isFalse();
        assertThat(RatioCheck.tooLoaded(4.1, 2)).isTrue();
        assertThat(RatioCheck.tooLoaded(27.8, 2)).isTrue();
        assertThat(RatioCheck.tooLoaded(27.8, 16)).isFalse();
    }

    private static CheckRound round(double routed, double direct, double echo) {
        return new CheckRound(routed, direct, echo);
    }
}
