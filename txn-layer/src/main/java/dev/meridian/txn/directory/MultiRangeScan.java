package dev.meridian.txn.directory;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.directory.RangeCache.CachedRange;
import dev.meridian.txn.types.RangeDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One scan over several ranges, I/O-free (DESIGN §8: "scans of several ranges run in parallel"):
 * cuts the span into per-range pieces as it goes, says which pieces to read (up to {@link
 * ScanLimits#maxParallelPieces} at once), and hands back rows in scan order. Ranges are disjoint and
 * ordered, so the merge is an ordered concatenation: rows of a piece are released once every piece
 * before it (in scan order) is finished; pieces further on are read ahead and buffered.
 *
 * <p>Glossary: a <em>segment</em> is a contiguous part of the span still to be read, in scan order;
 * it is <em>unplanned</em> until the cache names the range that holds its first part, then a
 * <em>piece</em> of exactly one range. The <em>head</em> is the first segment: only its rows can be
 * released. A piece is read in <em>batches</em> of at most {@link ScanLimits#batchRows} rows; a batch
 * that stops before the piece's end carries a resume key.
 *
 * <p>Driving it: call {@link #poll} with the cache; send its {@link Step#send} requests, start its
 * {@link Step#lookup} (through {@link MetaLookups}) and hand its {@link Step#rows} to the consumer;
 * feed answers back with {@link #onRows}, {@link #onRedirect} and {@link #onLookupAnswered}, and poll
 * again; stop when {@link Step#done}. Not thread-safe: one scan belongs to one loop.
 *
 * <p>Invariants: (1) released rows are in strict scan order and inside the span, and never more than
 * the row limit; (2) at most {@code maxParallelPieces} requests in flight, all within the first
 * {@code maxParallelPieces} segments (the prefetch window); (3) rows buffered in pieces behind the
 * head plus rows reserved by their requests in flight never exceed {@link ScanLimits#maxBufferedRows}
 * (the head's own batch, at most {@code batchRows}, is released at once), so the scan holds at most
 * {@code maxBufferedRows + batchRows} rows; (4) a redirect turns only the redirected piece's unread
 * remainder back into an unplanned segment at the same place; rows already received stay.
 */
public final class MultiRangeScan {

  /**
   * The scan's bounds.
   *
   * @param maxParallelPieces requests in flight at once, and how many segments ahead of the head are
   *     planned and read (the prefetch window)
   * @param maxBufferedRows rows held for pieces behind the head, reserved ones included; past it
   *     nothing more is read ahead (back-pressure, not an error)
   * @param batchRows the most rows one request asks for
   * @param maxRedirects redirects one scan may take before it fails with {@link
   *     TxnUnavailableException} (retryable): a directory that keeps moving under one scan is a
   *     cluster in trouble, and a scan must not loop forever
   */
  public record ScanLimits(int maxParallelPieces, int maxBufferedRows, int batchRows, int maxRedirects) {
    public ScanLimits {
      if (maxParallelPieces <= 0 || maxBufferedRows < 0 || batchRows <= 0 || maxRedirects < 0) {
        throw new IllegalArgumentException("invalid scan limits " + maxParallelPieces + " "
            + maxBufferedRows + " " + batchRows + " " + maxRedirects);
      }
    }

    public static ScanLimits defaults() {
      return new ScanLimits(4, 4_096, 1_024, 64);
    }
  }

  /** Read at most {@code maxRows} rows of {@code span} from {@code range} in {@code direction}. */
  public record PieceRequest(
      long pieceId, RangeDescriptor range, NodeId leaseholder, KeySpan span, Direction direction, int maxRows) {}

  /** A lookup the scan waits for: the range of {@code key}, or (before) of the keys below it. */
  public record LookupNeed(Key key, boolean before) {}

  /**
   * What to do now: send these requests, cancel these (their answers are no longer wanted), start
   * this lookup (null: none), release these rows; {@code done}: the scan is complete.
   */
  public record Step(
      List<PieceRequest> send, List<Long> cancel, LookupNeed lookup, List<KeyValue> rows, boolean done) {}

  /** Counters, for metrics and tests. */
  public record Stats(long requests, long redirects, long rowsReleased, int maxHeldRows) {}

  private static final class Segment {
    KeySpan span;
    RangeDescriptor range;
    NodeId leaseholder;
    long inFlight = -1;
    int inFlightMax;
    int reserved;
    List<KeyValue> buffered = new ArrayList<>();
    boolean finished;
    boolean lookupPending;

    Segment(KeySpan span) {
      this.span = span;
    }
  }

  private final Direction direction;
  private final long rowLimit;
  private final ScanLimits limits;
  private final List<Segment> segments = new ArrayList<>();
  private final Map<Long, Segment> pending = new HashMap<>();
  private long nextPieceId = 1;
  private long released;
  private int bufferedRows;
  private int reservedRows;
  private boolean done;
  private long requests;
  private long redirects;
  private int maxHeldRows;

  /**
   * @param rowLimit the most rows to release; {@code Long.MAX_VALUE} for no limit
   */
  public MultiRangeScan(KeySpan span, Direction direction, long rowLimit, ScanLimits limits) {
    this.direction = Objects.requireNonNull(direction, "direction");
    this.limits = Objects.requireNonNull(limits, "limits");
    if (rowLimit < 0) {
      throw new IllegalArgumentException("row limit must not be negative, got " + rowLimit);
    }
    this.rowLimit = rowLimit;
    if (!span.isEmpty() && rowLimit > 0) {
      segments.add(new Segment(span));
    }
  }

  /** Releases what can be released, plans and starts what the window allows. */
  public Step poll(RangeCache cache) {
    List<KeyValue> rows = new ArrayList<>();
    List<Long> cancel = new ArrayList<>();
    release(rows, cancel);
    if (done) {
      return new Step(List.of(), cancel, null, rows, true);
    }
    LookupNeed lookup = plan(cache);
    List<PieceRequest> send = dispatch();
    return new Step(send, cancel, lookup, rows, false);
  }

  private void release(List<KeyValue> out, List<Long> cancel) {
    while (!segments.isEmpty()) {
      Segment head = segments.getFirst();
      for (KeyValue row : head.buffered) {
        if (released == rowLimit) {
          break;
        }
        out.add(row);
        released++;
      }
      bufferedRows -= head.buffered.size();
      head.buffered = new ArrayList<>();
      if (released == rowLimit) {
        for (Segment segment : segments) {
          if (segment.inFlight >= 0) {
            cancel.add(segment.inFlight);
            pending.remove(segment.inFlight);
          }
        }
        segments.clear();
        bufferedRows = 0;
        reservedRows = 0;
        break;
      }
      if (!head.finished) {
        break;
      }
      segments.removeFirst();
    }
    done = segments.isEmpty();
  }

  private LookupNeed plan(RangeCache cache) {
    LookupNeed need = null;
    for (int i = 0; i < Math.min(limits.maxParallelPieces(), segments.size()); i++) {
      Segment segment = segments.get(i);
      if (segment.range != null || segment.lookupPending) {
        continue;
      }
      boolean forward = direction == Direction.FORWARD;
      Optional<CachedRange> found =
          forward ? cache.lookup(segment.span.start()) : cache.lookupBefore(segment.span.end());
      if (found.isEmpty()) {
        if (need == null) {
          need = new LookupNeed(forward ? segment.span.start() : segment.span.end(), !forward);
          segment.lookupPending = true;
        }
        continue;
      }
      RangeDescriptor range = found.get().descriptor();
      KeySpan span = segment.span;
      KeySpan piece;
      KeySpan rest = null;
      if (forward) {
        Key end = RangeCache.minEnd(span.end(), range.span().end());
        piece = new KeySpan(span.start(), end);
        if (end != null && (span.end() == null || end.compareTo(span.end()) < 0)) {
          rest = new KeySpan(end, span.end());
        }
      } else {
        Key start = max(span.start(), range.span().start());
        piece = new KeySpan(start, span.end());
        if (span.start().compareTo(start) < 0) {
          rest = new KeySpan(span.start(), start);
        }
      }
      segment.span = piece;
      segment.range = range;
      segment.leaseholder = found.get().leaseholder();
      if (rest != null) {
        segments.add(i + 1, new Segment(rest));
      }
    }
    return need;
  }

  private List<PieceRequest> dispatch() {
    List<PieceRequest> send = new ArrayList<>();
    long bufferedAhead = 0;
    for (int i = 0; i < Math.min(limits.maxParallelPieces(), segments.size()); i++) {
      if (pending.size() >= limits.maxParallelPieces()) {
        break;
      }
      Segment segment = segments.get(i);
      long wanted = rowLimit - released - bufferedAhead;
      bufferedAhead += segment.buffered.size();
      if (wanted <= 0) {
        break;
      }
      if (segment.range == null || segment.finished || segment.inFlight >= 0 || !segment.buffered.isEmpty()) {
        continue;
      }
      int maxRows = (int) Math.min(limits.batchRows(), wanted);
      int reserve = 0;
      if (i > 0) {
        int budget = limits.maxBufferedRows() - bufferedRows - reservedRows;
        if (budget <= 0) {
          continue;
        }
        maxRows = Math.min(maxRows, budget);
        reserve = maxRows;
      }
      long id = nextPieceId++;
      segment.inFlight = id;
      segment.inFlightMax = maxRows;
      segment.reserved = reserve;
      reservedRows += reserve;
      pending.put(id, segment);
      requests++;
      send.add(new PieceRequest(id, segment.range, segment.leaseholder, segment.span, direction, maxRows));
    }
    return send;
  }

  /**
   * The answer to piece request {@code pieceId}: its rows in scan order, and where the rest of the
   * piece resumes (null: the piece is finished). Forward, the rest is {@code [resume, end)}; reverse,
   * {@code [start, resume)}. An answer to a cancelled request is ignored.
   */
  public void onRows(long pieceId, List<KeyValue> rows, Key resume) {
    Segment segment = pending.remove(pieceId);
    if (segment == null) {
      return;
    }
    boolean forward = direction == Direction.FORWARD;
    Invariants.require(rows.size() <= segment.inFlightMax,
        "piece %d returned %d rows, asked for at most %d", pieceId, rows.size(), segment.inFlightMax);
    Key previous = null;
    for (KeyValue row : rows) {
      Invariants.require(segment.span.contains(row.key()),
          "piece %d returned %s outside %s", pieceId, row.key(), segment.span);
      Invariants.require(previous == null || (forward
              ? previous.compareTo(row.key()) < 0 : previous.compareTo(row.key()) > 0),
          "piece %d returned %s after %s in a %s scan", pieceId, row.key(), previous, direction);
      previous = row.key();
    }
    reservedRows -= segment.reserved;
    segment.reserved = 0;
    segment.inFlight = -1;
    if (resume == null) {
      segment.finished = true;
    } else {
      KeySpan rest;
      if (forward) {
        Invariants.require(previous == null || previous.compareTo(resume) < 0,
            "piece %d resumes at %s, not after its last row %s", pieceId, resume, previous);
        Invariants.require(resume.compareTo(segment.span.start()) > 0 || !rows.isEmpty(),
            "piece %d made no progress", pieceId);
        Invariants.require(segment.span.end() == null || resume.compareTo(segment.span.end()) <= 0,
            "piece %d resumes at %s, beyond its span %s", pieceId, resume, segment.span);
        rest = new KeySpan(resume, segment.span.end());
      } else {
        Invariants.require(previous == null || resume.compareTo(previous) <= 0,
            "piece %d resumes below %s, not at or below its last row %s", pieceId, resume, previous);
        Invariants.require(segment.span.end() == null || resume.compareTo(segment.span.end()) < 0
                || !rows.isEmpty(), "piece %d made no progress", pieceId);
        Invariants.require(resume.compareTo(segment.span.start()) >= 0,
            "piece %d resumes at %s, below its span %s", pieceId, resume, segment.span);
        rest = new KeySpan(segment.span.start(), resume);
      }
      segment.span = rest;
      segment.finished = rest.isEmpty();
    }
    segment.buffered.addAll(rows);
    bufferedRows += rows.size();
    maxHeldRows = Math.max(maxHeldRows, bufferedRows + reservedRows);
  }

  /**
   * Piece request {@code pieceId} was refused with a routing error (the caller has applied it to
   * the cache): the piece's unread remainder is planned again, nothing else changes.
   */
  public void onRedirect(long pieceId) {
    Segment segment = pending.remove(pieceId);
    if (segment == null) {
      return;
    }
    redirects++;
    if (redirects > limits.maxRedirects()) {
      throw new TxnUnavailableException("scan redirected " + redirects + " times (limit "
          + limits.maxRedirects() + "); the range directory keeps changing, retry later", null);
    }
    reservedRows -= segment.reserved;
    segment.reserved = 0;
    segment.inFlight = -1;
    segment.range = null;
    segment.leaseholder = null;
    segment.lookupPending = false;
  }

  /** A lookup this scan asked for has answered or failed: plan the segments that waited again. */
  public void onLookupAnswered() {
    for (Segment segment : segments) {
      segment.lookupPending = false;
    }
  }

  public Stats stats() {
    return new Stats(requests, redirects, released, maxHeldRows);
  }

  private static Key max(Key a, Key b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
