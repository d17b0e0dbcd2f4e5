package dev.vnet.network.leader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.leader.LeaderState.Phase;
import dev.vnet.proto.v1.LeaderInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leadership state machine, fed by hand as the election and the store's fence would feed it. */
class LeadershipTest {

    private static final String SELF = "10.0.0.1:3737";

    private final Leadership leadership = new Leadership();
    /** Every notification, as "listener: FROM -> TO epoch", in the order they came. */
    private final List<String> seen = new ArrayList<>();
    private final List<String> stepDowns = new ArrayList<>();

    @BeforeEach
    void listen() {
        leadership.listen(recorder("gate"));
        leadership.listen(recorder("registry"));
        leadership.listen(recorder("writer"));
    }

    private LeadershipListener recorder(String name) {
        return (from, to) -> seen.add(name + ": " + from.phase() + " -> " + to.phase() + " " + to.epoch());
    }

    private void join() {
        leadership.joined(SELF, stepDowns::add);
        seen.clear();
    }

    @Test
    void aReplicaStartsOutsideTheElectionAndStandsByOnceItJoins() {
        assertThat(leadership.state().phase()).isEqualTo(Phase.STARTING);

        assertThat(leadership.joined(SELF, stepDowns::add)).isTrue();
        assertThat(leadership.joined(SELF, stepDowns::add)).as("twice").isFalse();

        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.STANDING_BY, 0, "", ""));
        assertThat(seen).containsExactly("gate: STARTING -> STANDING_BY 0", "registry: STARTING -> STANDING_BY 0",
                "writer: STARTING -> STANDING_BY 0");
    }

    @Test
    void aStandbyPointsAtTheLeaderTheElectionSeesAndIsToldOnlyWhenThatChanges() {
        join();
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());

        assertThat(leadership.state().leader()).isEqualTo("10.0.0.2:3737");
        assertThat(seen).hasSize(3).allMatch(line -> line.endsWith("STANDING_BY -> STANDING_BY 0"));
    }

    @Test
    void anElectedReplicaRestoresThenServesEveryListenerInTheOrderAdded() {
        join();

        assertThat(leadership.elected(7, false)).isTrue();

        assertThat(seen).containsExactly(
                "gate: STANDING_BY -> RESTORING 7", "registry: STANDING_BY -> RESTORING 7",
                "writer: STANDING_BY -> RESTORING 7",
                "gate: RESTORING -> SERVING 7", "registry: RESTORING -> SERVING 7", "writer: RESTORING -> SERVING 7");
        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.SERVING, 7, SELF, ""));
        assertThat(leadership.servingEpoch()).isEqualTo(7);
    }

    @Test
    void whileRestoringItHoldsAnEpochButDoesNotServeWithIt() {
        join();
        List<Long> servingEpochsSeen = new ArrayList<>();
        leadership.listen((from, to) -> {
            if (to.phase() == Phase.RESTORING) {
                servingEpochsSeen.add(leadership.servingEpoch());
                assertThat(leadership.state().leads()).isTrue();
            }
        });

        leadership.elected(7, false);

        assertThat(servingEpochsSeen).containsExactly(0L);
    }

    @Test
    void aRestoreThatFailsDeposesAndTheElectionIsToldToLetGo() {
        join();
        leadership.listen((from, to) -> {
            if (to.phase() == Phase.RESTORING) {
                throw new IllegalStateException("the store did not answer");
            }
        });

        assertThat(leadership.elected(7, false)).isFalse();

        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.DEPOSED, 0, "",
                "it could not restore its registry"));
        assertThat(seen).containsExactly(
                "gate: STANDING_BY -> RESTORING 7", "registry: STANDING_BY -> RESTORING 7",
                "writer: STANDING_BY -> RESTORING 7",
                "gate: RESTORING -> DEPOSED 0", "registry: RESTORING -> DEPOSED 0", "writer: RESTORING -> DEPOSED 0");
    }

    @Test
    void aFenceWhileRestoringAsksTheElectionToStepDownAndTheRestoredReplicaNeverServes() {
        join();
        leadership.listen((from, to) -> {
            if (to.phase() == Phase.RESTORING) {
                leadership.fenced(8); // the writer, on its own thread, found a newer leader meanwhile
            }
        });

        assertThat(leadership.elected(7, false)).isFalse();

        assertThat(stepDowns).containsExactly("the store's leader epoch is 8, not 7");
        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);
        assertThat(leadership.state().reason()).isEqualTo("the store's leader epoch is 8, not 7");
        assertThat(seen).noneMatch(line -> line.contains("SERVING"));

        leadership.deposed("the store's leader epoch is 8, not 7"); // the election's step-down, when it runs
        assertThat(seen).filteredOn(line -> line.startsWith("gate")).hasSize(2);
    }

    @Test
    void aFenceWhileServingAsksTheElectionToStepDownWhichDeposes() {
        join();
        leadership.elected(7, false);
        seen.clear();

        leadership.fenced(9);
        assertThat(stepDowns).containsExactly("the store's leader epoch is 9, not 7");
        assertThat(leadership.state().phase()).as("the election decides, on its thread").isEqualTo(Phase.SERVING);

        leadership.deposed(stepDowns.get(0));
        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.DEPOSED, 0, "",
                "the store's leader epoch is 9, not 7"));
        assertThat(leadership.servingEpoch()).isZero();
        assertThat(seen).containsExactly("gate: SERVING -> DEPOSED 0", "registry: SERVING -> DEPOSED 0",
                "writer: SERVING -> DEPOSED 0");
    }

    @Test
    void aFenceWhileNotLeadingIsAStaleReportAndIgnored() {
        join();
        leadership.fenced(9);
        leadership.elected(7, false);
        leadership.deposed("replaced");
        leadership.fenced(9);

        assertThat(stepDowns).isEmpty();
        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);
    }

    @Test
    void aSecondWinWithAHigherEpochIsANewTermOfTheSameLeadership() {
        join();
        leadership.elected(7, false);
        seen.clear();

        assertThat(leadership.elected(9, true)).isTrue();

        assertThat(seen).containsExactly("gate: SERVING -> SERVING 9", "registry: SERVING -> SERVING 9",
                "writer: SERVING -> SERVING 9");
        assertThat(leadership.servingEpoch()).isEqualTo(9);
    }

    @Test
    void aFenceFromTheEarlierTermDoesNotSpoilTheNextElection() {
        join();
        leadership.elected(7, false);
        leadership.fenced(8);
        leadership.deposed(stepDowns.get(0));
        seen.clear();

        assertThat(leadership.elected(10, false)).as("a new election forgets the old term's fence").isTrue();
        assertThat(leadership.servingEpoch()).isEqualTo(10);
    }

    @Test
    void aWinWhoseEpochDoesNotGrowDeposes() {
        join();
        leadership.elected(7, false);

        assertThat(leadership.elected(7, true)).isFalse();

        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);
        assertThat(leadership.state().reason()).contains("not above its current 7");
    }

    @Test
    void aWinTheMachineCannotSquareWithWhatItKnowsDeposes() {
        join();
        leadership.elected(7, false);
        assertThat(leadership.elected(8, false)).as("a new term announced as a fresh election").isFalse();
        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);

        assertThat(leadership.elected(9, true)).as("a term continued that was not served").isFalse();
        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);
        assertThat(leadership.state().reason()).contains("continues a term while this replica is DEPOSED");
    }

    @Test
    void anElectionWhileRestoringDeposes() {
        join();
        List<Boolean> nested = new ArrayList<>();
        leadership.listen((from, to) -> {
            if (to.phase() == Phase.RESTORING && to.epoch() == 7) {
                nested.add(leadership.elected(8, false));
            }
        });

        assertThat(leadership.elected(7, false)).isFalse();

        assertThat(nested).containsExactly(false);
        assertThat(leadership.state().phase()).isEqualTo(Phase.DEPOSED);
        assertThat(seen).noneMatch(line -> line.contains("SERVING"));
    }

    @Test
    void anElectionBeforeJoiningOrAfterStoppingIsRefusedAndChangesNothing() {
        assertThat(leadership.elected(3, false)).isFalse();
        assertThat(leadership.state().phase()).isEqualTo(Phase.STARTING);

        leadership.stop();
        seen.clear();
        assertThat(leadership.elected(4, false)).isFalse();
        leadership.deposed("late");
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());
        assertThat(leadership.joined(SELF, stepDowns::add)).as("a start-up that ends after shutdown").isFalse();

        assertThat(leadership.state().phase()).isEqualTo(Phase.STOPPED);
        assertThat(seen).isEmpty();
    }

    @Test
    void aDepositionWhileNotLeadingChangesNothing() {
        join();
        leadership.deposed("its lock session broke");

        assertThat(leadership.state().phase()).isEqualTo(Phase.STANDING_BY);
        assertThat(seen).isEmpty();
    }

    @Test
    void stoppingTellsEveryListenerEvenWhenOneFailsAndHappensOnce() {
        join();
        leadership.elected(7, false);
        leadership.listen((from, to) -> {
            throw new IllegalStateException("cannot close");
        });
        leadership.listen(recorder("last"));
        seen.clear();

        leadership.stop();
        leadership.stop();

        assertThat(seen).containsExactly("gate: SERVING -> STOPPED 0", "registry: SERVING -> STOPPED 0",
                "writer: SERVING -> STOPPED 0", "last: SERVING -> STOPPED 0");
    }

    @Test
    void aDeposedReplicaCanBeElectedAgainWithANewEpoch() {
        join();
        leadership.elected(7, false);
        leadership.deposed("its lock session broke");
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());
        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.DEPOSED, 0, "10.0.0.2:3737",
                "its lock session broke"));

        assertThat(leadership.elected(11, false)).isTrue();
        assertThat(leadership.state()).isEqualTo(new LeaderState(Phase.SERVING, 11, SELF, ""));
    }
}
