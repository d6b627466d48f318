package dev.meridian.txn.host;

import dev.meridian.paxos.driver.InMemoryPaxosStorage;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.replica.Options;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Three nodes on one manual scheduler, each with its Paxos storage, range store, driver, RPC endpoint
 * and {@link RangeServer}, plus a client endpoint (node 9) that talks to them. Every message (Paxos
 * or RPC) arrives after 1 ms unless a node is cut off. A node's disk and store survive {@link
 * #restart}.
 */
final class HostCluster {

  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  static final Options OPTIONS = new Options(10, 2, 80_000, 16, 64, 16);
  static final NodeId CLIENT = new NodeId(9);
  /** The widest interval {@link #trueTime} hands out. */
  static final long MAX_WIDTH_MICROS = 1_000;

  final ManualClock clock = new ManualClock(1_700_000_000_000_000L);
  final ManualScheduler loop = new ManualScheduler(clock);
  final TrueTime trueTime = () -> {
    long now = clock.wallClockMicros();
    return new TTInterval(now - 500, now + 500);
  };
  final int size;
  final InMemoryPaxosStorage[] disks;
  final InMemoryRangeStore[] stores;
  final PaxosDriver[] drivers;
  final Rpc[] endpoints;
  final RangeServer[] servers;
  final Rpc client;
  final Set<Integer> cutOff = new HashSet<>();
  /** Directed links (from * 100 + to) that lose everything. */
  final Set<Integer> blockedLinks = new HashSet<>();
  /** Directed links (from * 100 + to) that lose Paxos messages only (RPC still passes). */
  final Set<Integer> blockedPaxosLinks = new HashSet<>();
  final List<Throwable> fatal = new ArrayList<>();
  private final List<RangeDescriptor> ranges;
  /** What each range of {@link #ranges} starts with (the meta range's entries), by range. */
  private final Map<RangeId, List<Write>> initial;
  /** Ranges splits created, hosted again on a restart from the node's store. */
  final Set<RangeId> splitOff = new LinkedHashSet<>();

  HostCluster(int size, List<RangeDescriptor> ranges) {
    this(size, ranges, Map.of());
  }

  HostCluster(int size, List<RangeDescriptor> ranges, Map<RangeId, List<Write>> initial) {
    this.size = size;
    this.ranges = ranges;
    this.initial = initial;
    disks = new InMemoryPaxosStorage[size + 1];
    stores = new InMemoryRangeStore[size + 1];
    drivers = new PaxosDriver[size + 1];
    endpoints = new Rpc[size + 1];
    servers = new RangeServer[size + 1];
    client = new Rpc(CLIENT, this::sendRpc, loop, RandomSource.seeded(99), RpcLimits.defaults());
    for (int i = 1; i <= size; i++) {
      disks[i] = new InMemoryPaxosStorage();
      stores[i] = new InMemoryRangeStore();
      start(i);
    }
  }

  void start(int i) {
    NodeId id = new NodeId(i);
    drivers[i] = new PaxosDriver(id, loop, trueTime, disks[i], new Net(),
        RandomSource.seeded(i * 7919L + restarts++), new PaxosDriver.Config(TICK_NANOS, 100, 0,
        TimeUnit.MILLISECONDS.toNanos(1)), fatal::add);
    endpoints[i] = new Rpc(id, this::sendRpc, loop, RandomSource.seeded(i * 31L + restarts), RpcLimits.defaults());
    servers[i] = new RangeServer(id, endpoints[i], drivers[i], stores[i], loop, trueTime, loop,
        new RangeServer.Config(OPTIONS, new LeaseholderLimits(10_000, 20_000), RangeSnapshots.MIN_CHUNK_BYTES,
        MAX_WIDTH_MICROS));
    RangeServer server = servers[i];
    InMemoryRangeStore store = stores[i];
    server.onSplitHosted(right -> splitOff.add(right.id()));
    loop.execute(() -> {
      ranges.forEach(range -> server.host(range, initial.getOrDefault(range.id(), List.of())));
      for (RangeId created : splitOff) {
        if (store.reads().appliedSlot(created.value()).isPresent()) {
          server.hostStored(created);
        }
      }
    });
    runFor(1);
  }

  private long restarts;

  /** The process on {@code i} dies (its disk and store keep everything) and a new one starts. */
  void restart(int i) {
    servers[i].close();
    drivers[i].close();
    endpoints[i].close();
    drivers[i] = null;
    endpoints[i] = null;
    servers[i] = null;
    loop.runDue();
    start(i);
  }

  private void sendRpc(NodeId to, dev.meridian.runtime.rpc.Envelope envelope) {
    route(envelope.from().value(), to.value(), () -> {
      Rpc target = to.equals(CLIENT) ? client : endpoints[to.value()];
      if (target != null) {
        target.receive(envelope);
      }
    });
  }

  private final class Net implements PaxosDriver.Network {
    @Override
    public void send(Envelope envelope) {
      if (blockedPaxosLinks.contains(envelope.from().value() * 100 + envelope.to().value())) {
        return;
      }
      route(envelope.from().value(), envelope.to().value(), () -> {
        PaxosDriver to = drivers[envelope.to().value()];
        if (to != null) {
          to.receive(envelope);
        }
      });
    }

    @Override
    public void send(HeartbeatBatch batch) {
      if (blockedPaxosLinks.contains(batch.from().value() * 100 + batch.to().value())) {
        return;
      }
      route(batch.from().value(), batch.to().value(), () -> {
        PaxosDriver to = drivers[batch.to().value()];
        if (to != null) {
          to.receive(batch);
        }
      });
    }
  }

  private void route(int from, int to, Runnable delivery) {
    loop.schedule(TimeUnit.MILLISECONDS.toNanos(1), () -> {
      if (!cutOff.contains(from) && !cutOff.contains(to) && !blockedLinks.contains(from * 100 + to)) {
        delivery.run();
      }
    });
  }

  /** Cuts {@code node} off from the other nodes both ways (the client still reaches it). */
  void isolateFromPeers(int node) {
    for (int i = 1; i <= size; i++) {
      if (i != node) {
        blockedLinks.add(node * 100 + i);
        blockedLinks.add(i * 100 + node);
      }
    }
  }

  void runFor(long millis) {
    loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /** Runs until {@code done} holds, at most {@code maxMillis} of simulated time. */
  boolean runUntil(BooleanSupplier done, long maxMillis) {
    for (long t = 0; t < maxMillis && !done.getAsBoolean(); t++) {
      runFor(1);
    }
    return done.getAsBoolean();
  }

  /** The node whose replica of {@code range} serves as leaseholder, 0 if none. */
  int leaseholder(dev.meridian.txn.types.RangeId range) {
    for (int i = 1; i <= size; i++) {
      if (servers[i] != null && !cutOff.contains(i) && servers[i].replica(range) != null
          && servers[i].replica(range).serving()) {
        return i;
      }
    }
    return 0;
  }

  /** Calls from the client endpoint and runs until the reply, at most 10 simulated seconds. */
  <T> Reply<T> await(Consumer<Consumer<Reply<T>>> call) {
    List<Reply<T>> got = new ArrayList<>();
    loop.execute(() -> call.accept(got::add));
    runUntil(() -> !got.isEmpty(), 10_000);
    if (got.isEmpty()) {
      throw new AssertionError("no reply within 10 simulated seconds");
    }
    return got.getFirst();
  }
}
