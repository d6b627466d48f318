package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.sim.Trace;
import dev.meridian.sim.net.SimNetwork;
import java.util.function.Consumer;

/**
 * The drivers' {@link PaxosDriver.Network} on the simulated network: every envelope, and every
 * coalesced heartbeat batch as one packet, travels through {@link SimNetwork} (loss, delay,
 * duplication, reordering, partitions). One instance serves every node; the sender is named in
 * what is sent.
 */
final class SimPaxosNetwork implements PaxosDriver.Network {

  /** What crosses the simulated wire: one envelope, or one batch of heartbeats. */
  sealed interface Packet permits Single, Batch {}

  record Single(Envelope envelope) implements Packet {}

  record Batch(HeartbeatBatch batch) implements Packet {}

  private final SimNetwork<Packet> network;
  private final Consumer<Envelope> onSend;

  /** {@code onSend} sees every envelope as it leaves its node (the checker's view of hand-overs). */
  SimPaxosNetwork(SimNetwork<Packet> network, Consumer<Envelope> onSend) {
    this.network = network;
    this.onSend = onSend;
  }

  @Override
  public void send(Envelope envelope) {
    onSend.accept(envelope);
    network.send(envelope.from().value(), envelope.to().value(), new Single(envelope));
  }

  @Override
  public void send(HeartbeatBatch batch) {
    network.send(batch.from().value(), batch.to().value(), new Batch(batch));
  }

  /** Hands an arrived packet to the destination's driver. */
  static void deliver(PaxosDriver driver, Packet packet) {
    switch (packet) {
      case Single single -> driver.receive(single.envelope());
      case Batch batch -> driver.receive(batch.batch());
    }
  }

  /** The packet's fingerprint for the trace hash. */
  static long fingerprint(Packet packet) {
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
