package dev.meridian.txn.wire;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Objects;

/**
 * What travels for reads from any replica (M7): a gateway's follower reads and safe-time queries to
 * one replica, a replica's ReadIndex request to the range's leaseholder (for a strong read it serves
 * itself), the one answer type of all of them, and the coalesced batch of closed timestamps a node
 * sends each peer for the idle ranges it leads. The request types are in {@link RangeRequests}, the
 * encodings in {@link FollowerWireCodec}; the serving side is {@code host.RangeServer}.
 *
 * <p>Every request is idempotent: a follower read changes nothing; a ReadIndex only raises the
 * leaseholder's read watermark to where a repeat already put it.
 */
public final class FollowerReadMessages {

  private FollowerReadMessages() {}

  /**
   * The newest version of {@code key} at or below {@code readTs} at the replica asked: stale (served
   * iff its safe time covers {@code readTs}) or {@code strong} (through the leaseholder's ReadIndex).
   */
  public record FollowerGet(RangeId range, long generation, Key key, Timestamp readTs, boolean strong) {
    public FollowerGet {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(readTs, "readTs");
    }
  }

  /** Up to {@code limit} live versions of {@code span} at {@code readTs} at the replica asked; {@code strong} as above. */
  public record FollowerScan(RangeId range, long generation, KeySpan span, Timestamp readTs, boolean strong,
      Direction direction, int limit) {
    public FollowerScan {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(readTs, "readTs");
      Objects.requireNonNull(direction, "direction");
      if (limit <= 0) {
        throw new IllegalArgumentException("scan limit must be positive, got " + limit);
      }
    }
  }

  /** The replica's safe time now (for a bounded-staleness read's timestamp). */
  public record SafeTimeQuery(RangeId range, long generation) {
    public SafeTimeQuery {
      Objects.requireNonNull(range, "range");
    }
  }

  /**
   * A replica asks the leaseholder of {@code range} for its applied point over {@code span} at
   * {@code readTs} ({@code LeaseholderCore.readIndex}): answered {@link Indexed} once every write at
   * or below {@code readTs} to the span is at or below that slot.
   */
  public record ReadIndexRequest(RangeId range, long generation, KeySpan span, Timestamp readTs) {
    public ReadIndexRequest {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(readTs, "readTs");
    }
  }

  /**
   * Closed timestamps for the idle ranges {@code from} leads, to one peer that hosts replicas of
   * them: one entry per range, coalesced per destination node and close interval. A one-way
   * message ({@link RangeRequests#CLOSED_TIMESTAMPS}): a lost batch costs only freshness, the next
   * one supersedes it.
   */
  public record ClosedTimestampBatch(NodeId from, List<ClosedTimestampUpdate> updates) {
    public ClosedTimestampBatch {
      Objects.requireNonNull(from, "from");
      updates = List.copyOf(updates);
    }
  }

  /** The answer to every follower request. */
  public sealed interface Answer {}

  /** Read from the replica's applied state, final at the read timestamp (a get: zero or one version). */
  public record Versions(List<Version> versions) implements Answer {
    public Versions {
      versions = List.copyOf(versions);
    }
  }

  /** The replica cannot serve the read: its safe time is {@code safeTime}; nothing was read. */
  public record NotYet(Timestamp safeTime, String why) implements Answer {
    public NotYet {
      Objects.requireNonNull(safeTime, "safeTime");
      Objects.requireNonNull(why, "why");
    }
  }

  /** The read timestamp is below the replica's GC horizon. */
  public record TooOld(Timestamp gcHorizon) implements Answer {
    public TooOld {
      Objects.requireNonNull(gcHorizon, "gcHorizon");
    }
  }

  /** The answer to a {@link SafeTimeQuery}. */
  public record SafeTime(Timestamp safeTime) implements Answer {
    public SafeTime {
      Objects.requireNonNull(safeTime, "safeTime");
    }
  }

  /** The answer to a {@link ReadIndexRequest}: the leaseholder's applied slot. */
  public record Indexed(long slot) implements Answer {
    public Indexed {
      if (slot < 0) {
        throw new IllegalArgumentException("a slot is not negative, got " + slot);
      }
    }
  }

  /** A routing refusal (range not here, stale descriptor, not the leaseholder for a ReadIndex, retry later). */
  public record Refused(SnapshotReads.Redirect redirect, NodeId leaseholderHint, String why) implements Answer {
    public Refused {
      Objects.requireNonNull(redirect, "redirect");
      Objects.requireNonNull(why, "why");
    }
  }
}
