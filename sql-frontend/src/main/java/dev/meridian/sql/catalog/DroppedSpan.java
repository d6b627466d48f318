package dev.meridian.sql.catalog;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import java.util.Objects;

/**
 * The data a DROP left behind, still to be deleted: the key span of a dropped table or index, and
 * how far its cleanup got. Stored under {@link KeySpace#droppedSpan} by the DROP's own transaction
 * (so the drop and the promise to clean up commit together) and rewritten by every chunk of the
 * cleanup, which deletes it with its last chunk. Invariant: every key of {@code span} below {@code
 * resumeFrom} has been deleted; nothing in {@code span} is reachable from the catalog, because
 * table ids and index ids are never reused.
 *
 * @param id the cleanup's id, from the catalog's id counter (so cleanups run in drop order)
 * @param what the object dropped, for logs and errors ({@code table T}, {@code index I of T})
 * @param keysDeleted keys deleted so far, and {@code bytesDeleted} their bytes (keys and values)
 */
public record DroppedSpan(long id, String what, KeySpan span, Key resumeFrom, long keysDeleted, long bytesDeleted) {

  public DroppedSpan {
    Objects.requireNonNull(span.end(), "a dropped span ends");
    if (resumeFrom.compareTo(span.start()) < 0) {
      throw new IllegalArgumentException("cleanup of " + what + " resumes before its span " + span);
    }
  }

  /** A cleanup not started yet. */
  public static DroppedSpan of(long id, String what, KeySpan span) {
    return new DroppedSpan(id, what, span, span.start(), 0, 0);
  }

  /** The keys still to delete. */
  public KeySpan remaining() {
    return new KeySpan(resumeFrom.compareTo(span.end()) > 0 ? span.end() : resumeFrom, span.end());
  }
}
