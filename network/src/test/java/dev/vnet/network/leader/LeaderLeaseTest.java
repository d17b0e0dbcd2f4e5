package dev.vnet.network.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease by the leader's own monotonic clock (a fake one here). */
class LeaderLeaseTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LeaderLease lease = new LeaderLease(Duration.ofSeconds(5), now::get);

    @Test
    void aStandbyIsNeverInDoubt() {
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(lease.inDoubt()).isFalse();
    }

    @Test
    void theLeaseCountsFromWhenTheRenewalWasSentAndRunsOutByTheLeadersOwnClock() {
        long sent = lease.now();
        now.addAndGet(Duration.ofMillis(300).toNanos()); // the renewal's round trip
        lease.renewed(sent);

        now.addAndGet(Duration.ofMillis(4_600).toNanos());
        assertThat(lease.inDoubt()).as("4.9 s after it was sent").isFalse();
        now.addAndGet(Duration.ofMillis(100).toNanos());
        assertThat(lease.inDoubt()).as("5 s after it was sent, whatever the database answered").isTrue();
        assertThat(lease.overdueMillis()).isZero();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(lease.overdueMillis()).isEqualTo(10_000);

        lease.renewed(lease.now());
        assertThat(lease.inDoubt()).as("renewed").isFalse();
    }

    @Test
    void aLeaderThatNobodyCanReplaceIsNeverInDoubtAndOneThatStepsDownNeither() {
        lease.renewed(lease.now());
        lease.unbounded();
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(lease.inDoubt()).isFalse();

        lease.renewed(lease.now());
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(lease.inDoubt()).isTrue();
        lease.released();
        assertThat(lease.inDoubt()).isFalse();
    }
}
