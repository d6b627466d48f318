package dev.meridian.txn.wire;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Objects;

/**
 * The snapshot reads a gateway asks of a range's leaseholder (DESIGN §6 step 2): a point read or a
 * scan at a read timestamp, and the answer. Reads are idempotent (a repeat only raises the read
 * watermark to where it already is), so the RPC layer may retry them.
 */
public final class SnapshotReads {

  private SnapshotReads() {}

  /** The newest version of {@code key} at or below {@code readTs} (tombstones included). */
  public record Get(RangeId range, long generation, Key key, Timestamp readTs) {
    public Get {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(readTs, "readTs");
    }
  }

  /** Up to {@code limit} live versions of {@code span} at {@code readTs}, in {@code direction}. */
  public record Scan(RangeId range, long generation, KeySpan span, Timestamp readTs, Direction direction, int limit) {
    public Scan {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(readTs, "readTs");
      Objects.requireNonNull(direction, "direction");
      if (limit <= 0) {
        throw new IllegalArgumentException("scan limit must be positive, got " + limit);
      }
    }
  }

  /** What a read got: versions, or a refusal that says where to go (nothing was read). */
  public sealed interface Answer {}

  /** For a {@link Get} zero or one version (maybe a tombstone), for a {@link Scan} the live versions. */
  public record Versions(List<Version> versions) implements Answer {
    public Versions {
      versions = List.copyOf(versions);
    }
  }

  /**
   * The read was not served; every kind is safe to retry (reads change nothing but the watermark).
   *
   * @param leaseholderHint for {@link Redirect#NOT_LEASEHOLDER}, the node believed to hold the lease, or null
   */
  public record Refused(Redirect redirect, NodeId leaseholderHint, String why) implements Answer {
    public Refused {
      Objects.requireNonNull(redirect, "redirect");
      Objects.requireNonNull(why, "why");
    }
  }

  /** Why a read was refused, and what the gateway does about it. */
  public enum Redirect {
    /** Ask the leaseholder ({@code leaseholderHint}, or the directory). */
    NOT_LEASEHOLDER,
    /** The range is not hosted on the node asked: refresh the descriptor. */
    RANGE_NOT_FOUND,
    /** The keys are outside the range's span now, or the generation is stale: refresh and regroup. */
    STALE_DESCRIPTOR,
    /** The leaseholder cannot serve it now (lease ending, overloaded, clock): retry shortly. */
    RETRY_LATER,
    /** The read timestamp is below the GC horizon: the transaction must restart (40001). */
    TOO_OLD
  }
}
