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
 * Paxos traffic as transport payloads. Every payload travels inside the runtime's {@link
 * dev.meridian.runtime.rpc.Envelope} (the one envelope of every module), which already names the
 * sender and the destination, and whose sender the transport authenticates; so the payload carries
 * neither, and the driver's {@link Envelope} (a replica's addressed message, in process only) is
 * rebuilt on arrival from the transport's peer and this node. Layout of a payload: one tag byte,
 * then the codec's standalone bytes ({@link PaxosCodecs}, version byte first):
 *
 * <pre>
 * 0x01 | MESSAGE codec    one message of one group
 * 0x02 | MESSAGES codec   heartbeats and acks of many groups between one node pair (a HeartbeatBatch)
 * </pre>
 *
 * Tag {@code 0x03} is taken beside them by a cluster node's range layer ({@code RangeNode}: one
 * runtime envelope of its RPC endpoint), so these tags must stay distinct from it.
 *
 * Before this layout, the tag-1 body was {@code NodeId from | NodeId to | Message} and the tag-2 body
 * {@code NodeId from | NodeId to | list<Message>}, repeating the transport envelope's addresses;
 * nodes of the two layouts cannot talk (wire only: nothing here is stored).
 */
public final class PaxosWire {

  private static final byte MESSAGE = 0x01;
  private static final byte HEARTBEAT_BATCH = 0x02;

  private PaxosWire() {}

  /** The driver's network: encodes and hands each payload to {@code send(destination, payload)}. */
  public static PaxosDriver.Network network(BiConsumer<NodeId, byte[]> send) {
    return new PaxosDriver.Network() {
      @Override
      public void send(Envelope envelope) {
        send.accept(envelope.to(), tagged(MESSAGE, PaxosCodecs.MESSAGE.encode(envelope.message())));
      }

      @Override
      public void send(HeartbeatBatch batch) {
        send.accept(batch.to(), tagged(HEARTBEAT_BATCH, PaxosCodecs.MESSAGES.encode(batch.messages())));
      }
    };
  }

  /**
   * Decodes a payload from {@code peer} and delivers it to {@code driver}.
   *
   * @throws CodecException if the payload is malformed
   */
  public static void deliver(PaxosDriver driver, NodeId peer, byte[] payload) {
    deliver(driver.self(), peer, payload, new PaxosDriver.Network() {
      @Override
      public void send(Envelope envelope) {
        driver.receive(envelope);
      }

      @Override
      public void send(HeartbeatBatch batch) {
        driver.receive(batch);
      }
    });
  }

  /** As {@link #deliver(PaxosDriver, NodeId, byte[])}, handing what it decodes to {@code into}. */
  static void deliver(NodeId self, NodeId peer, byte[] payload, PaxosDriver.Network into) {
    if (payload.length == 0) {
      throw new CodecException("empty paxos payload from " + peer);
    }
    byte[] body = Arrays.copyOfRange(payload, 1, payload.length);
    switch (payload[0]) {
      case MESSAGE -> into.send(new Envelope(peer, self, PaxosCodecs.MESSAGE.decode(body)));
      case HEARTBEAT_BATCH -> into.send(new HeartbeatBatch(peer, self, PaxosCodecs.MESSAGES.decode(body)));
      default -> throw new CodecException("unknown paxos payload tag " + payload[0] + " from " + peer);
    }
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] payload = new byte[body.length + 1];
    payload[0] = tag;
    System.arraycopy(body, 0, payload, 1, body.length);
    return payload;
  }
}
