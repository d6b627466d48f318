package dev.meridian.txn.host;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.Scheduler;
import dev.meridian.txn.gateway.RangeSplitter;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the meta range's entry of every range this node leads up to date with the descriptor its
 * replica holds: step 3 of a split ({@link RangeSplitter}) when the gateway that split it died
 * before filing the halves, or filed them while a newer split overtook it.
 *
 * <p>Every period, for each range this node serves as leaseholder (the meta range aside: its entry
 * never changes) whose descriptor is not yet known to be filed, it files the descriptor with {@link
 * RangeSplitter#file} (written only over an entry of lower generation). A range counts as filed once
 * such a transaction committed for its current descriptor; a split this node applies makes both
 * halves unfiled again, and a restart starts with every range unfiled (one meta transaction per
 * range, then nothing while the directory agrees). Why the leaseholder: it is the one replica that
 * knows its descriptor is current (it applied every command of its lease), and one node per range
 * keeps the meta range's load at one transaction per range change.
 *
 * <p>Invariant: at most one filing per range in flight. Runs on the node's loop.
 */
public final class DirectoryRepair {

  private final RangeServer server;
  private final RangeSplitter splitter;
  private final Scheduler loop;
  private final long periodNanos;
  /** Range -> the descriptor last confirmed filed. */
  private final Map<RangeId, RangeDescriptor> filed = new java.util.HashMap<>();
  private final Set<RangeId> inFlight = new HashSet<>();
  private boolean started;
  private long filings;
  private long written;

  public DirectoryRepair(RangeServer server, RangeSplitter splitter, Scheduler loop, long periodNanos) {
    this.server = server;
    this.splitter = splitter;
    this.loop = loop;
    this.periodNanos = periodNanos;
  }

  /** Starts the periodic check. Call once, on the loop. */
  public void start() {
    Invariants.require(loop.inLoop(), "directory repair starts on the node's loop");
    if (started) {
      throw new IllegalStateException("directory repair is already started");
    }
    started = true;
    loop.schedule(periodNanos, this::check);
  }

  /** Filing transactions run, and meta entries they wrote. */
  public long filings() {
    return filings;
  }

  public long written() {
    return written;
  }

  private void check() {
    for (Map.Entry<RangeId, LeaseholderHost> hosted : server.replicas().entrySet()) {
      RangeId id = hosted.getKey();
      LeaseholderHost replica = hosted.getValue();
      if (id.equals(RangeId.META) || !replica.serving() || inFlight.contains(id)) {
        continue;
      }
      RangeDescriptor current = replica.machine().machine().descriptor();
      if (current.equals(filed.get(id))) {
        continue;
      }
      inFlight.add(id);
      filings++;
      splitter.file(List.of(current)).whenComplete((count, failure) -> loop.execute(() -> {
        inFlight.remove(id);
        if (failure == null) {
          written += count;
          filed.put(id, current);
        }
      }));
    }
    loop.schedule(periodNanos, this::check);
  }
}
