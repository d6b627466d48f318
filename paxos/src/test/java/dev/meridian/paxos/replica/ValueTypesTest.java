package dev.meridian.paxos.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void ballotsOrderByRoundThenNode() {
    assertThat(new Ballot(2, 1)).isGreaterThan(new Ballot(1, 3));
    assertThat(new Ballot(2, 3)).isGreaterThan(new Ballot(2, 1));
    assertThat(Ballot.ZERO).isLessThan(new Ballot(1, 1));
    assertThatThrownBy(() -> new Ballot(0, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void confChangesRoundTripAndMembershipRejectsMisfits() {
    ConfChange change = ConfChange.promote(new NodeId(7));
    assertThat(ConfChange.decode(change.encode())).isEqualTo(change);
    Membership m = Membership.ofVoters(new NodeId(1));
    assertThat(m.rejects(ConfChange.promote(new NodeId(2)))).contains("not a learner");
    assertThat(m.rejects(ConfChange.removeVoter(new NodeId(1)))).contains("last voter");
    assertThat(m.rejects(ConfChange.addLearner(new NodeId(2)))).isNull();
  }

  @Test
  void heartbeatsOfManyGroupsAreCoalescedPerNodePair() {
    NodeId n1 = new NodeId(1);
    NodeId n2 = new NodeId(2);
    NodeId n3 = new NodeId(3);
    Ballot b = new Ballot(1, 1);
    List<Envelope> fromReadys =
        List.of(
            new Envelope(n1, n2, new Message.Heartbeat(new GroupId(1), b, Slot.NONE)),
            new Envelope(n1, n3, new Message.Heartbeat(new GroupId(1), b, Slot.NONE)),
            new Envelope(n1, n2, new Message.Heartbeat(new GroupId(2), b, Slot.of(4))),
            new Envelope(n1, n2, new Message.Accept(new GroupId(2), b, List.of(), Slot.NONE)));
    List<HeartbeatBatch> batches = HeartbeatBatch.coalesce(fromReadys);
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0).to()).isEqualTo(n2);
    assertThat(batches.get(0).messages()).hasSize(2);
    assertThat(batches.get(0).unpack()).containsExactly(fromReadys.get(0), fromReadys.get(2));
  }
}
