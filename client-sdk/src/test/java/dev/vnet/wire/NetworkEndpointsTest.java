package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NetworkEndpointsTest {

    private static final Endpoint A = Endpoint.parse("a:1");
    private static final Endpoint B = Endpoint.parse("b:1");
    private static final Endpoint C = Endpoint.parse("c:1");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final NetworkEndpoints endpoints = new NetworkEndpoints(List.of(A, B, C),
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), now::get);

    @Test
    void triesEveryEndpointOfARoundWithoutWaitingThenBacksOff() {
        assertThat(endpoints.current()).isEqualTo(A);
        assertThat(endpoints.failed(A, refused(), false)).isEqualTo(NetworkEndpoints.STEP_DELAY_MS);
        assertThat(endpoints.current()).isEqualTo(B);
        assertThat(endpoints.failed(B, refused(), false)).isEqualTo(NetworkEndpoints.STEP_DELAY_MS);
        assertThat(endpoints.current()).isEqualTo(C);
        assertThat(endpoints.failed(C, refused(), false)).isBetween(1L, 100L);
        assertThat(endpoints.current()).isEqualTo(A);
    }

    @Test
    void followsAStandbysHintToTheLeader() {
        assertThat(endpoints.failed(A, notLeader("c:1"), false)).isEqualTo(NetworkEndpoints.STEP_DELAY_MS);
        assertThat(endpoints.current()).isEqualTo(C);
    }

    @Test
    void doesNotFollowAHintToAnEndpointThatJustRefusedUs() {
        endpoints.failed(A, refused(), false);
        // B's view lags: it still names the dead A.
        endpoints.failed(B, notLeader("a:1"), false);
        assertThat(endpoints.current()).isEqualTo(C);

        now.addAndGet(NetworkEndpoints.UNREACHABLE_MS);
        endpoints.failed(C, notLeader("a:1"), false);
        assertThat(endpoints.current()).as("A may be back by now").isEqualTo(A);
    }

    @Test
    void keepsRetriesShortWhileStandbysAnswerButNoneLeads() {
        for (int round = 0; round < 10; round++) {
            for (Endpoint endpoint : List.of(A, B, C)) {
                assertThat(endpoints.failed(endpoint, notLeader(null), false))
                        .isLessThanOrEqualTo(NetworkEndpoints.ELECTION_POLL_MS);
            }
        }
    }

    @Test
    void aBrokenEstablishedStreamIsRetriedWhereItWasAndASilentOneMovesOn() {
        endpoints.established(A);
        endpoints.failed(A, refused(), true);
        assertThat(endpoints.current()).isEqualTo(A);

        endpoints.established(A);
        endpoints.failed(A, Status.DEADLINE_EXCEEDED.withDescription("silent").asRuntimeException(), true);
        assertThat(endpoints.current()).isEqualTo(B);
    }

    @Test
    void aHintThatFailsGoesOnWithTheConfiguredRound() {
        endpoints.failed(A, notLeader("z:9"), false);
        assertThat(endpoints.current()).isEqualTo(Endpoint.parse("z:9"));
        endpoints.failed(Endpoint.parse("z:9"), refused(), false);
        assertThat(endpoints.current()).as("A said it does not lead").isEqualTo(B);
    }

    @Test
    void aStandbyNamingALeaderThatFellSilentIsAskedAgainInsteadOfGoingBackToIt() {
        NetworkEndpoints two = new NetworkEndpoints(List.of(A, B),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), now::get);
        two.established(A);
        two.failed(A, Status.DEADLINE_EXCEEDED.withDescription("the network was silent").asRuntimeException(), true);
        assertThat(two.current()).isEqualTo(B);
        for (int i = 0; i < 5; i++) {
            // B has not found A's lease expired yet: it still names the frozen A.
            assertThat(two.failed(B, notLeader("a:1"), false)).isLessThanOrEqualTo(NetworkEndpoints.ELECTION_POLL_MS);
            assertThat(two.current()).as("not back to the silent A").isEqualTo(B);
        }
        // B was elected and restores its registry: it names itself.
        assertThat(two.failed(B, notLeader("b:1"), false)).isLessThanOrEqualTo(NetworkEndpoints.ELECTION_POLL_MS);
        assertThat(two.current()).isEqualTo(B);
    }

    @Test
    void aLeaderReachedThroughAHintThatFallsSilentIsLeftForTheOtherEndpoint() {
        NetworkEndpoints two = new NetworkEndpoints(List.of(A, B),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), now::get);
        two.failed(A, notLeader("b:1"), false);
        assertThat(two.current()).isEqualTo(B);
        two.established(B);

        two.failed(B, Status.DEADLINE_EXCEEDED.withDescription("the network was silent").asRuntimeException(), true);
        assertThat(two.current()).as("not the silent B again").isEqualTo(A);
    }

    @Test
    void anEndpointThatDidNotAnswerARegistrationInTimeIsNotFollowedAsAHint() {
        endpoints.failed(A, Status.DEADLINE_EXCEEDED.withDescription("no answer").asRuntimeException(), false);
        endpoints.failed(B, notLeader("a:1"), false);
        assertThat(endpoints.current()).isEqualTo(C);
    }

    private static Throwable refused() {
        return Status.UNAVAILABLE.withDescription("io exception").asRuntimeException();
    }

    private static Throwable notLeader(String leader) {
        return Status.UNAVAILABLE.withDescription("not the leader").asRuntimeException(LeaderHints.trailers(leader));
    }
}
