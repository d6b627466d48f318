package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.runtime.NodeId;
import dev.meridian.sim.Trace;
import dev.meridian.sim.net.SimNetwork;
import java.util.function.BiConsumer;

/**
 * The drivers' {@link PaxosDriver.Network} on the simulated network: every envelope, and every
 * coalesced heartbeat batch as one packet, travels through {@link SimNetwork} (loss, delay,
 * duplication, reordering, partitions). One instance serves every node; the sender is named in
 * what is sent.
 */
public final class SimPaxosNetwork implements PaxosDriver.Network {

  /** What crosses the simulated wire: one envelope, or one batch of heartbeats. */
  public sealed interface Packet permits Single, Batch {}

  public record Single(Envelope envelope) implements Packet {}

  public record Batch(HeartbeatBatch batch) implements Packet {}

  private final SimNetwork<Packet> network;
  private final BiConsumer<NodeId, Message> onSend;
  private long multiGroupBatches;

  /**
   * {@code onSend} sees every message, batched or not, as it leaves its node (the checker's view of
   * hand-overs and of what a node reveals).
   */
  public SimPaxosNetwork(SimNetwork<Packet> network, BiConsumer<NodeId, Message> onSend) {
    this.network = network;
    this.onSend = onSend;
  }

  @Override
  public void send(Envelope envelope) {
    onSend.accept(envelope.from(), envelope.message());
    network.send(envelope.from().value(), envelope.to().value(), new Single(envelope));
  }

  @Override
  public void send(HeartbeatBatch batch) {
    for (Message message : batch.messages()) {
      onSend.accept(batch.from(), message);
    }
    if (batch.messages().stream().map(Message::group).distinct().count() > 1) {
      multiGroupBatches++;
    }
    network.send(batch.from().value(), batch.to().value(), new Batch(batch));
  }

  /** Heartbeat batches sent that carried more than one group (coverage of coalescing). */
  long multiGroupBatches() {
    return multiGroupBatches;
  }

  /** Hands an arrived packet to the destination's driver. */
  public static void deliver(PaxosDriver driver, Packet packet) {
    switch (packet) {
      case Single single -> driver.receive(single.envelope());
      case Batch batch -> driver.receive(batch.batch());
    }
  }

  /** The packet's fingerprint for the trace hash. */
  public static long fingerprint(Packet packet) {
    return switch (packet) {
      case Single single -> Fingerprints.of(single.envelope().message());
      case Batch batch -> {
        long h = batch.batch().messages().size();
        for (Message message : batch.batch().messages()) {
          h = Trace.fold(h, Fingerprints.of(message));
        }
        yield h;
      }
    };
  }
}
