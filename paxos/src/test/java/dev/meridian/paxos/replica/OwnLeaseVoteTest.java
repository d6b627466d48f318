package dev.meridian.paxos.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * A leader's own lease vote counts toward its lease only once the Ready that carries it is durable
 * (advanced): a vote lost in a crash must never have helped make a lease.
 */
class OwnLeaseVoteTest {

  @Test
  void aSingleVoterHoldsNoLeaseUntilItsVoteIsPersisted() {
    NodeId n1 = new NodeId(1);
    ManualClock clock = new ManualClock(10_000_000);
    TestTrueTime trueTime = new TestTrueTime(clock, 0, 1_000);
    PaxosReplica replica =
        new PaxosReplica(
            new GroupId(1), n1, ScenarioTest.OPTIONS, trueTime, RandomSource.seeded(1),
            DurableState.bootstrap(Membership.ofVoters(n1)));
    Ready voteReady = null;
    for (int i = 0; i < 100 && voteReady == null; i++) {
      replica.tick();
      while (replica.hasReady()) {
        Ready ready = replica.ready();
        if (ready.hardState() != null && ready.hardState().leaseVote().ballot().node() != null
            && ready.hardState().leaseVote().endMicros() > 0) {
          voteReady = ready; // the vote is in a Ready not yet persisted
          break;
        }
        replica.advance(ready);
      }
    }
    assertThat(voteReady).as("the single voter became leader and voted itself a lease").isNotNull();
    assertThat(replica.hasLease(trueTime.now())).as("lease before the vote is durable").isFalse();

    replica.advance(voteReady);

    assertThat(replica.hasLease(trueTime.now())).as("lease once the vote is durable").isTrue();
    // The lease is the grant; the durable vote runs a lease duration beyond it.
    assertThat(replica.leaseEnd())
        .isEqualTo(voteReady.hardState().leaseVote().endMicros() - ScenarioTest.OPTIONS.leaseDurationMicros());
  }
}
