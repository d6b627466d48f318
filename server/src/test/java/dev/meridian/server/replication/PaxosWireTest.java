package dev.meridian.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.paxos.codec.CodecException;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Paxos payloads on the transport: the bytes of each kind, and that the receiver rebuilds the
 * driver's envelope from the transport's peer and itself, since the payload names neither.
 */
class PaxosWireTest {

  private static final NodeId N1 = new NodeId(1);
  private static final NodeId N2 = new NodeId(2);
  private static final Message HEARTBEAT = new Message.Heartbeat(new GroupId(7), new Ballot(12, 1), Slot.of(1000));
  private static final Message ACK = new Message.HeartbeatAck(new GroupId(8), new Ballot(12, 1), Slot.of(5), 99);

  /** What a network hands on: destinations and payloads, or decoded envelopes and batches. */
  private static final class Captured implements PaxosDriver.Network {
    final List<Object> received = new ArrayList<>();

    @Override
    public void send(Envelope envelope) {
      received.add(envelope);
    }

    @Override
    public void send(HeartbeatBatch batch) {
      received.add(batch);
    }
  }

  @Test
  void aMessageTravelsWithoutItsAddresses() {
    List<NodeId> destinations = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    PaxosWire.network((to, payload) -> {
      destinations.add(to);
      payloads.add(payload);
    }).send(new Envelope(N1, N2, HEARTBEAT));

    assertThat(destinations).containsExactly(N2);
    // tag 1, format version 1, then the heartbeat: tag 8, group 7, ballot (12, n1), commit 1000.
    assertThat(HexFormat.of().formatHex(payloads.getFirst())).isEqualTo("01" + "01" + "0807" + "0c01" + "e807");

    Captured at2 = new Captured();
    PaxosWire.deliver(N2, N1, payloads.getFirst(), at2);
    assertThat(at2.received).containsExactly(new Envelope(N1, N2, HEARTBEAT));
  }

  @Test
  void aHeartbeatBatchTravelsAsItsMessages() {
    List<byte[]> payloads = new ArrayList<>();
    PaxosWire.network((to, payload) -> payloads.add(payload)).send(new HeartbeatBatch(N2, N1, List.of(HEARTBEAT, ACK)));

    assertThat(payloads.getFirst()[0]).isEqualTo((byte) 0x02);
    Captured at1 = new Captured();
    PaxosWire.deliver(N1, N2, payloads.getFirst(), at1);
    assertThat(at1.received).containsExactly(new HeartbeatBatch(N2, N1, List.of(HEARTBEAT, ACK)));
  }

  @Test
  void malformedPayloadsAreRefused() {
    Captured sink = new Captured();
    assertThatThrownBy(() -> PaxosWire.deliver(N2, N1, new byte[0], sink))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("empty paxos payload from " + N1);
    assertThatThrownBy(() -> PaxosWire.deliver(N2, N1, new byte[] {9, 1}, sink))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown paxos payload tag 9");
    assertThatThrownBy(() -> PaxosWire.deliver(N2, N1, HexFormat.of().parseHex("01" + "01" + "0807"), sink))
        .isInstanceOf(CodecException.class);
    assertThat(sink.received).isEmpty();
  }
}
