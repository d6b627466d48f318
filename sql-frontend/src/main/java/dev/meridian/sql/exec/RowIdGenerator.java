package dev.meridian.sql.exec;

import dev.meridian.storage.Timestamp;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Row ids for tables declared without a primary key: unique on this node across restarts, and
 * roughly in insertion order. Each id is at least {@code readTs micros × 1024} (timestamps never go
 * backwards on a node) and above every id handed out before. With one node per cluster today, that
 * makes them unique in the cluster; several nodes will add the node id into the low bits.
 */
public final class RowIdGenerator {

  private final AtomicLong last = new AtomicLong();

  long next(Timestamp readTs) {
    long floor = readTs.micros() * 1024;
    return last.updateAndGet(previous -> Math.max(previous + 1, floor));
  }
}
