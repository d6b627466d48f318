package dev.meridian.sql.exec;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hidden row ids for tables declared without a primary key: unique across the nodes of a cluster
 * and across restarts, and roughly in insertion order, with no coordination between nodes.
 *
 * <p>Layout of an id (a positive {@code long}, big-endian in keys, so ids sort by time first):
 * <pre>
 *   bit 63      0
 *   bits 62..10 time part: microseconds since the Unix epoch, at least the statement's read
 *               timestamp and above the time part of every id this node handed out before (a
 *               logical clock: a burst of ids runs ahead of real time by one µs an id)
 *   bits  9..0  the node id (1 … 1023)
 * </pre>
 * Two nodes never produce the same id (different low bits); one node never repeats (the time part
 * strictly increases, and after a restart it starts from a read timestamp, which is above every
 * timestamp the node used before). 53 bits of microseconds last until the year 2255. CockroachDB's
 * {@code unique_rowid()} has the same shape (time, then node id). Ids made before node ids were
 * part of them were {@code readTs micros × 1024} plus a counter: the same time part in the same
 * bits, so old and new ids of one table keep their order and do not collide.
 */
public final class RowIdGenerator {

  /** Bits of the node id. */
  static final int NODE_BITS = 10;

  static final int MAX_NODE_ID = (1 << NODE_BITS) - 1;

  private final long nodeId;
  private final AtomicLong lastTimePart = new AtomicLong();

  public RowIdGenerator(int nodeId) {
    Invariants.require(nodeId >= 1 && nodeId <= MAX_NODE_ID,
        "a node id for row ids must be between 1 and %s, got %s", MAX_NODE_ID, nodeId);
    this.nodeId = nodeId;
  }

  long next(Timestamp readTs) {
    long floor = readTs.micros();
    long timePart = lastTimePart.updateAndGet(previous -> Math.max(previous + 1, floor));
    Invariants.require(timePart < (1L << (63 - NODE_BITS)), "row id time part overflowed: %s", timePart);
    return (timePart << NODE_BITS) | nodeId;
  }
}
