package dev.meridian.txn.range.state;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A transaction prepared at this range and not yet resolved: its write intents (the keys; the values
 * are in the store's intents) and read intents (spans), its prepare timestamp, and the range that
 * holds its transaction record, and the lease it was prepared under. Invariant: no two prepared transactions of one range conflict — no
 * key is written by two, and no written key lies in another's read span.
 */
public record PreparedTxn(
    TxnId txn, Timestamp prepareTs, long leaseSequence, List<Key> writeKeys, List<KeySpan> readSpans, RangeId coordinatorRange) {

  public PreparedTxn {
    Objects.requireNonNull(txn, "txn");
    Objects.requireNonNull(prepareTs, "prepareTs");
    writeKeys = List.copyOf(writeKeys);
    readSpans = List.copyOf(readSpans);
    Objects.requireNonNull(coordinatorRange, "coordinatorRange");
  }

  /** Whether any write or read intent of this transaction overlaps {@code span}. */
  public boolean overlaps(KeySpan span) {
    return writeKeys.stream().anyMatch(span::contains) || readSpans.stream().anyMatch(span::overlaps);
  }

  /** Whether this transaction's intents and {@code other}'s may not both be held. */
  public boolean conflictsWith(PreparedTxn other) {
    for (Key key : writeKeys) {
      if (other.writeKeys.contains(key) || other.readSpans.stream().anyMatch(s -> s.contains(key))) {
        return true;
      }
    }
    for (Key key : other.writeKeys) {
      if (readSpans.stream().anyMatch(s -> s.contains(key))) {
        return true;
      }
    }
    return false;
  }

  /** The part of this transaction's intents inside {@code span} (read spans clipped to it). */
  public PreparedTxn clippedTo(KeySpan span) {
    List<KeySpan> clipped = new ArrayList<>();
    for (KeySpan read : readSpans) {
      KeySpan part = intersection(read, span);
      if (part != null) {
        clipped.add(part);
      }
    }
    return new PreparedTxn(txn, prepareTs, leaseSequence, writeKeys.stream().filter(span::contains).toList(), clipped,
        coordinatorRange);
  }

  public boolean isEmpty() {
    return writeKeys.isEmpty() && readSpans.isEmpty();
  }

  /** The intersection of two spans, or null if they do not overlap. */
  static KeySpan intersection(KeySpan a, KeySpan b) {
    if (!a.overlaps(b)) {
      return null;
    }
    Key start = a.start().compareTo(b.start()) >= 0 ? a.start() : b.start();
    Key end;
    if (a.end() == null) {
      end = b.end();
    } else if (b.end() == null) {
      end = a.end();
    } else {
      end = a.end().compareTo(b.end()) <= 0 ? a.end() : b.end();
    }
    return new KeySpan(start, end);
  }

  /** Whether {@code inner} lies wholly inside {@code outer}. */
  static boolean within(KeySpan inner, KeySpan outer) {
    boolean startInside = inner.start().compareTo(outer.start()) >= 0;
    boolean endInside = outer.end() == null || (inner.end() != null && inner.end().compareTo(outer.end()) <= 0);
    return startInside && endInside;
  }
}
