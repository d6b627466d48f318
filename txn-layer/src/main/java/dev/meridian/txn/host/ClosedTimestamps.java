package dev.meridian.txn.host;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.wire.FollowerReadMessages;
import dev.meridian.txn.wire.FollowerWireCodec;
import dev.meridian.txn.wire.RangeRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's close cadence (M7, DESIGN §6 "advanced continuously through the log and heartbeats"):
 * every {@link FollowerReadLimits#closeIntervalMicros} it gives each replica it hosts one {@link
 * LeaseholderHost#closeTick}. A leaseholder of a range that proposed since the last beat proposes a
 * {@code CloseTimestamp} through the log; one that proposed nothing promises a {@link
 * ClosedTimestampUpdate} instead, and this node sends those, coalesced per destination node (one
 * {@link RangeRequests#CLOSED_TIMESTAMPS} message per peer per beat, split at {@link
 * FollowerReadLimits#maxClosedPerBatch} entries), to every other voter and non-voter of each range.
 * The receiving side hands each entry to its replica of the range ({@link
 * LeaseholderHost#observeClosed}), which takes it only as {@code RangeStateMachine.observeClosed}
 * allows; a batch that does not decode is counted and dropped, since a lost batch costs freshness
 * only.
 *
 * <p>Runs on the node's loop from {@link #start} until {@link #stop}; a beat without a trustworthy
 * clock promises nothing.
 */
final class ClosedTimestamps {

  private final NodeId self;
  private final Rpc rpc;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final FollowerReadLimits limits;
  private final Map<RangeId, LeaseholderHost> replicas;
  private Cancellable timer;
  private boolean stopped;
  private long beats;
  private long batchesSent;
  private long batchesReceived;
  private long malformedBatches;

  ClosedTimestamps(NodeId self, Rpc rpc, Scheduler loop, TrueTime trueTime, FollowerReadLimits limits,
      Map<RangeId, LeaseholderHost> replicas) {
    this.self = self;
    this.rpc = rpc;
    this.loop = loop;
    this.trueTime = trueTime;
    this.limits = limits;
    this.replicas = replicas;
    rpc.onMessage(RangeRequests.CLOSED_TIMESTAMPS, this::receive);
  }

  /** Starts the cadence (idempotent). */
  void start() {
    if (timer == null && !stopped) {
      timer = loop.schedule(limits.closeIntervalMicros() * 1_000, this::beat);
    }
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  private void beat() {
    if (stopped) {
      return;
    }
    beats++;
    timer = loop.schedule(limits.closeIntervalMicros() * 1_000, this::beat);
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      return;
    }
    Map<NodeId, List<ClosedTimestampUpdate>> byPeer = new TreeMap<>();
    for (LeaseholderHost replica : List.copyOf(replicas.values())) {
      replica.closeTick(now).ifPresent(update -> {
        for (ReplicaDescriptor peer : replica.machine().machine().descriptor().replicas()) {
          if (!peer.node().equals(self) && peer.role() != ReplicaRole.LEARNER) {
            byPeer.computeIfAbsent(peer.node(), n -> new ArrayList<>()).add(update);
          }
        }
      });
    }
    byPeer.forEach((peer, updates) -> {
      for (int from = 0; from < updates.size(); from += limits.maxClosedPerBatch()) {
        List<ClosedTimestampUpdate> part = updates.subList(from, Math.min(updates.size(), from + limits.maxClosedPerBatch()));
        rpc.send(peer, RangeRequests.CLOSED_TIMESTAMPS,
            FollowerWireCodec.CLOSED_TIMESTAMPS.encode(new FollowerReadMessages.ClosedTimestampBatch(self, part)));
        batchesSent++;
      }
    });
  }

  private void receive(NodeId from, byte[] payload) {
    FollowerReadMessages.ClosedTimestampBatch batch;
    try {
      batch = FollowerWireCodec.CLOSED_TIMESTAMPS.decode(payload);
    } catch (BinaryReader.MalformedException e) {
      malformedBatches++;
      return;
    }
    batchesReceived++;
    for (ClosedTimestampUpdate update : batch.updates()) {
      LeaseholderHost replica = replicas.get(update.range());
      if (replica != null) {
        replica.observeClosed(update);
      }
    }
  }

  /** Node-level counters of the cadence, for metrics. */
  record Stats(long beats, long batchesSent, long batchesReceived, long malformedBatches) {}

  Stats stats() {
    return new Stats(beats, batchesSent, batchesReceived, malformedBatches);
  }
}
