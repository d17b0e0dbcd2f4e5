package dev.vnet.network.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.leader.LeaderState;
import dev.vnet.network.leader.Leadership;
import dev.vnet.proto.v1.LeaderInfo;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the gate tells callers in each phase of the leadership it follows. */
class ServingGateTest {

    private final ServingGate gate = new ServingGate("this coordinator is starting: waiting for its store (PostgreSQL)");
    private final Leadership leadership = new Leadership();

    ServingGateTest() {
        leadership.listen(gate);
    }

    private String refusal() {
        Status refusal = gate.refusal();
        return refusal == null ? null : refusal.getDescription();
    }

    @Test
    void closedUntilItServesOpenWhileItDoesAndSaysWhyEverywhereElse() {
        assertThat(refusal()).isEqualTo("this coordinator is starting: waiting for its store (PostgreSQL)");

        leadership.joined("10.0.0.1:3737", reason -> { });
        assertThat(refusal()).isEqualTo("this coordinator stands by: it does not lead");
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());
        assertThat(refusal()).isEqualTo("this coordinator stands by: it does not lead; the leader is 10.0.0.2:3737");

        List<String> whileRestoring = new ArrayList<>();
        leadership.listen((from, to) -> {
            if (to.phase() == LeaderState.Phase.RESTORING) {
                whileRestoring.add(refusal());
            }
        });
        assertThat(leadership.elected(7, false)).isTrue();
        assertThat(whileRestoring).containsExactly("this coordinator was elected leader (epoch 7) and is restoring "
                + "its registry from the store; try it again in 100 ms; the leader is 10.0.0.1:3737");
        assertThat(gate.isOpen()).isTrue();
        assertThat(refusal()).isNull();

        leadership.deposed("its lock session broke");
        assertThat(refusal()).isEqualTo("this coordinator no longer leads (its lock session broke)");
        leadership.leaderIs(LeaderInfo.newBuilder().setEndpoint("10.0.0.2:3737").build());
        assertThat(refusal()).isEqualTo("this coordinator no longer leads (its lock session broke); the leader is "
                + "10.0.0.2:3737");

        leadership.stop();
        assertThat(refusal()).isEqualTo("this coordinator is shutting down");
    }
}
