package dev.meridian.server.replication;

import dev.meridian.paxos.codec.CodecException;
import dev.meridian.paxos.codec.PaxosCodecs;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.runtime.NodeId;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Paxos traffic as transport payloads. Layout of a payload: one tag byte, then the codec's bytes
 * ({@link PaxosCodecs}):
 *
 * <pre>
 * 0x01 | ENVELOPE codec         one message of one group
 * 0x02 | HEARTBEAT_BATCH codec  heartbeats and acks of many groups between one node pair
 * </pre>
 *
 * A payload naming another destination than this node, or whose sender is not the transport peer it
 * came from, is dropped: the transport authenticates the peer, the payload must not contradict it.
 */
final class PaxosWire {

  private static final byte ENVELOPE = 0x01;
  private static final byte HEARTBEAT_BATCH = 0x02;

  private PaxosWire() {}

  /** The driver's network: encodes and hands each payload to {@code send(destination, payload)}. */
  static PaxosDriver.Network network(BiConsumer<NodeId, byte[]> send) {
    return new PaxosDriver.Network() {
      @Override
      public void send(Envelope envelope) {
        send.accept(envelope.to(), tagged(ENVELOPE, PaxosCodecs.ENVELOPE.encode(envelope)));
      }

      @Override
      public void send(HeartbeatBatch batch) {
        send.accept(batch.to(), tagged(HEARTBEAT_BATCH, PaxosCodecs.HEARTBEAT_BATCH.encode(batch)));
      }
    };
  }

  /**
   * Decodes a payload from {@code peer} and delivers it to {@code driver}.
   *
   * @throws CodecException if the payload is malformed or contradicts the peer it came from
   */
  static void deliver(PaxosDriver driver, NodeId peer, byte[] payload) {
    if (payload.length == 0) {
      throw new CodecException("empty paxos payload from " + peer);
    }
    byte[] body = Arrays.copyOfRange(payload, 1, payload.length);
    switch (payload[0]) {
      case ENVELOPE -> {
        Envelope envelope = PaxosCodecs.ENVELOPE.decode(body);
        check(envelope.from(), envelope.to(), peer, driver.self());
        driver.receive(envelope);
      }
      case HEARTBEAT_BATCH -> {
        HeartbeatBatch batch = PaxosCodecs.HEARTBEAT_BATCH.decode(body);
        check(batch.from(), batch.to(), peer, driver.self());
        driver.receive(batch);
      }
      default -> throw new CodecException("unknown paxos payload tag " + payload[0] + " from " + peer);
    }
  }

  private static void check(NodeId from, NodeId to, NodeId peer, NodeId self) {
    if (!from.equals(peer) || !to.equals(self)) {
      throw new CodecException("payload " + from + "->" + to + " arrived from " + peer + " at " + self);
    }
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] payload = new byte[body.length + 1];
    payload[0] = tag;
    System.arraycopy(body, 0, payload, 1, body.length);
    return payload;
  }
}
