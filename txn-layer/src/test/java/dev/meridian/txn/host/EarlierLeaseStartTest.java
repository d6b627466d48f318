package dev.meridian.txn.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.leaseholder.LeaseholderCore;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.leaseholder.LeaseholderReady;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.Succession;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.LeaseholderStateView;
import dev.meridian.txn.range.state.RangeStateMachine;
import org.junit.jupiter.api.Test;

/**
 * Found by {@code sim txn} (seed 137, lease votes cut short on restart): a replica that led, proposed
 * its LeaseStart, lost leadership and leads again builds a new core that proposes the same lease
 * sequence with a higher floor. Paxos may still choose the earlier core's LeaseStart; the new core
 * must not take it for its own (its floor is below the new core's succession floor), but go again
 * above it once its own is rejected as a duplicate.
 */
class EarlierLeaseStartTest {

  private static final NodeId SELF = new NodeId(1);

  @Test
  void anEarlierCoresLeaseStartOfTheSameSequenceIsNotOurs() {
    RangeStore store = new InMemoryRangeStore();
    RangeStateMachine machine = RangeStateMachine.bootstrap(store, HostedRangeMachineTest.descriptor());
    LeaseholderStateView view = new LeaseholderStateView(machine);
    LeaseholderLimits limits = new LeaseholderLimits(100, 1_000);

    LeaseholderCore earlier = new LeaseholderCore(SELF, view, limits, 1_000_000, new Succession.Elected(1_000),
        new TTInterval(900, 1_100));
    RangeCommand.LeaseStart earlierStart = (RangeCommand.LeaseStart) earlier.ready().proposals().getFirst();
    earlier.leaseLost("leadership lost");

    LeaseholderCore later = new LeaseholderCore(SELF, view, limits, 2_000_000, new Succession.Elected(5_000),
        new TTInterval(4_900, 5_100));
    RangeCommand.LeaseStart laterStart = (RangeCommand.LeaseStart) later.ready().proposals().getFirst();
    assertEquals(earlierStart.leaseSequence(), laterStart.leaseSequence());

    // The earlier LeaseStart is chosen first: it is not the later core's, which keeps starting.
    assertInstanceOf(ApplyOutcome.Applied.class, machine.apply(1, earlierStart));
    later.applied(new LogSlot(1), earlierStart);
    assertEquals(LeaseholderCore.Phase.STARTING, later.phase());

    // Its own is a duplicate at apply; it proposes the next sequence, above the earlier floor.
    ApplyOutcome duplicate = machine.apply(2, laterStart);
    ApplyOutcome.Rejected rejected = assertInstanceOf(ApplyOutcome.Rejected.class, duplicate);
    later.rejected(new LogSlot(2), laterStart, rejected.detail());
    LeaseholderReady again = later.ready();
    RangeCommand.LeaseStart next = (RangeCommand.LeaseStart) again.proposals().getFirst();
    assertEquals(laterStart.leaseSequence() + 1, next.leaseSequence());
    assertEquals(Timestamp.ofMicros(5_000), next.floorTs());

    assertInstanceOf(ApplyOutcome.Applied.class, machine.apply(3, next));
    later.applied(new LogSlot(3), next);
    assertEquals(LeaseholderCore.Phase.SERVING, later.phase());
  }
}
