package dev.meridian.runtime.rpc;

import dev.meridian.runtime.MessageSink;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Nodes' {@link Rpc} endpoints on one {@link ManualScheduler}, joined by a network whose {@link
 * #fate} decides, per envelope sent, how many copies arrive and after which delays (none: lost; two:
 * duplicated; a longer delay than a later envelope's: reordered). {@link #inboxLag} models a
 * receiver whose loop is busy: the envelope is stamped on arrival and handed to the endpoint that
 * much later, as a transport with an inbound queue does. Every send is recorded with its time since
 * the start, so tests state what went over the wire.
 */
final class TestNetwork {

  static final long MS = 1_000_000L;

  /** An envelope and the virtual time it was sent at. */
  record Sent(long atNanos, Envelope envelope) {}

  final ManualScheduler scheduler = new ManualScheduler(new ManualClock(0));
  final Map<NodeId, Rpc> nodes = new HashMap<>();
  final List<Sent> sent = new ArrayList<>();
  /** Delays of the copies that arrive; by default one copy after 1 ms. */
  Function<Envelope, long[]> fate = envelope -> new long[] {MS};
  /** Time an arrived envelope waits before its endpoint's loop takes it; none by default. */
  Function<Envelope, Long> inboxLag = envelope -> 0L;
  private final long start = scheduler.nowNanos();

  /** Virtual time since the network was made. */
  long now() {
    return scheduler.nowNanos() - start;
  }

  Rpc node(int id, RpcLimits limits, long seed) {
    NodeId nodeId = new NodeId(id);
    Rpc rpc = new Rpc(nodeId, sink(), scheduler, RandomSource.seeded(seed), limits);
    nodes.put(nodeId, rpc);
    return rpc;
  }

  Rpc node(int id) {
    return node(id, RpcLimits.defaults(), id);
  }

  private MessageSink<Envelope> sink() {
    return (to, envelope) -> {
      sent.add(new Sent(now(), envelope));
      for (long delay : fate.apply(envelope)) {
        scheduler.schedule(delay, () -> {
          long arrived = scheduler.nowNanos();
          scheduler.schedule(inboxLag.apply(envelope), () -> {
            Rpc receiver = nodes.get(to);
            if (receiver != null) {
              receiver.receive(envelope, arrived);
            }
          });
        });
      }
    };
  }

  /** The kinds of the envelopes sent so far, in order. */
  List<Envelope.Kind> sentKinds() {
    return sent.stream().map(s -> s.envelope().kind()).toList();
  }
}
