package dev.meridian.sim.net;

import dev.meridian.runtime.MessageSink;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.sim.Trace;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The simulated network carrying runtime {@link Envelope}s, the envelope every module's messages
 * travel in on real nodes too: each node's {@link Rpc} endpoint (or any envelope consumer) gets a
 * {@link MessageSink} from {@link #sink} and is {@linkplain #attach attached} to receive. Faults,
 * latencies and partitions are the {@link SimNetwork}'s ({@link #network}); a node that is detached
 * (crashed) loses what arrives for it, as a stopped process does.
 *
 * <p>Invariant: an envelope is sent only by the node it names as {@code from} ({@link #sink} checks),
 * so the simulated link it takes is the one between the nodes it names.
 */
public final class SimEnvelopeNetwork {

  private final SimNetwork<Envelope> network;
  private final Consumer<Envelope>[] receivers;
  private long lostToDownNodes;

  @SuppressWarnings("unchecked")
  public SimEnvelopeNetwork(int nodes, ManualScheduler scheduler, RandomSource random, Trace trace) {
    this.network = new SimNetwork<>(nodes, scheduler, random, trace, this::arrive,
        SimEnvelopeNetwork::fingerprint);
    this.receivers = new Consumer[nodes + 1];
  }

  /** The network underneath: faults, link profiles, partitions, counters. */
  public SimNetwork<Envelope> network() {
    return network;
  }

  /** What node {@code from} sends envelopes through. */
  public MessageSink<Envelope> sink(NodeId from) {
    return (to, envelope) -> {
      if (!envelope.from().equals(from) || !envelope.to().equals(to)) {
        throw new IllegalArgumentException(from + " may not send " + envelope + " to " + to);
      }
      network.send(from.value(), to.value(), envelope);
    };
  }

  /** Delivers what arrives for {@code node} to {@code receiver} from now on. */
  public void attach(NodeId node, Consumer<Envelope> receiver) {
    receivers[node.value()] = receiver;
  }

  /** Attaches an endpoint: what arrives for its node goes to {@link Rpc#receive}. */
  public void attach(Rpc endpoint) {
    attach(endpoint.self(), endpoint::receive);
  }

  /** The node is down: what arrives for it is lost. */
  public void detach(NodeId node) {
    receivers[node.value()] = null;
  }

  /** Envelopes that arrived at a detached node. */
  public long lostToDownNodes() {
    return lostToDownNodes;
  }

  private void arrive(int from, int to, Envelope envelope) {
    Consumer<Envelope> receiver = receivers[to];
    if (receiver == null) {
      lostToDownNodes++;
      return;
    }
    receiver.accept(envelope);
  }

  /** Only the envelope's contents, so that one seed gives one trace hash on every JVM. */
  static long fingerprint(Envelope envelope) {
    long detail = Trace.fold(envelope.kind().ordinal(), envelope.type());
    detail = Trace.fold(detail, envelope.requestId());
    detail = Trace.fold(detail, envelope.budgetNanos());
    return Trace.fold(detail, Arrays.hashCode(envelope.payload()));
  }
}
