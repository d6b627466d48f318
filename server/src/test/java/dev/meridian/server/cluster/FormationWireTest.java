package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.cluster.proto.MemberMsg;
import dev.meridian.server.cluster.proto.NodeEpochMsg;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's member records are checked where they arrive: what passes can be kept in {@code
 * CLUSTER_MEMBERS} and read back at the next start; what would not (a space in a field), or would
 * not fit row ids (a node id above 1023), is refused as the flags would be.
 */
class FormationWireTest {

  private static final Member GOOD = new Member(new NodeId(7), "0b5c1a52-7e1f-4c33-9f0e-2a7d8e5b6c41", "eu-west",
      "az-1", new Member.Addresses("10.0.0.7:7171", "[::1]:7070", ""), 3, 1);

  @TempDir Path dir;

  @Test
  void aWellFormedRecordCrossesTheWireAndTheMembersFileUnchanged() throws Exception {
    Member arrived = FormationWire.fromProto(FormationWire.toProto(GOOD));
    assertThat(arrived).isEqualTo(GOOD);
    MembersFile.write(dir, List.of(arrived));
    assertThat(MembersFile.read(dir)).containsExactly(GOOD);
  }

  @Test
  void aHeartbeatCarriesItsVotesAndEndedEpochs() {
    Messages.Heartbeat heartbeat = new Messages.Heartbeat("c1", GOOD, List.of(GOOD),
        List.of(new Messages.NodeEpoch(new NodeId(2), 4)), List.of(new Messages.NodeEpoch(new NodeId(3), 1)));
    assertThat(FormationWire.fromProto(FormationWire.toProto(heartbeat))).isEqualTo(heartbeat);
    Messages.HeartbeatAck ack = new Messages.HeartbeatAck(GOOD, List.of(GOOD), List.of(),
        List.of(new Messages.NodeEpoch(new NodeId(9), 2)));
    assertThat(FormationWire.fromProto(FormationWire.toProto(ack))).isEqualTo(ack);
    assertThatThrownBy(() -> FormationWire.fromProto(FormationWire.toProto(heartbeat).toBuilder()
        .addUnheard(NodeEpochMsg.newBuilder().setNodeId(1024).setEpoch(1)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id 1024");
  }

  @Test
  void recordsNoFlagWouldAllowAreRefused() {
    assertRefused(m -> m.setNodeId(1024), "node id 1024 is outside 1 to 1023");
    assertRefused(m -> m.setNodeId(0), "node id 0");
    assertRefused(m -> m.setRegion("eu west"), "region 'eu west'");
    assertRefused(m -> m.setRegion(""), "region ''");
    assertRefused(m -> m.setZone("a\"b"), "zone 'a\"b'");
    assertRefused(m -> m.setZone("-"), "zone '-'");
    assertRefused(m -> m.setStoreId("store 1"), "store id 'store 1', not a UUID");
    assertRefused(m -> m.setClusterAddress("10.0.0.7:7171 x"), "address '10.0.0.7:7171 x'");
    assertRefused(m -> m.setSqlAddress("10.0.0.7"), "address '10.0.0.7'");
  }

  private static void assertRefused(UnaryOperator<MemberMsg.Builder> change, String message) {
    MemberMsg bad = change.apply(FormationWire.toProto(GOOD).toBuilder()).build();
    assertThatThrownBy(() -> FormationWire.fromProto(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
