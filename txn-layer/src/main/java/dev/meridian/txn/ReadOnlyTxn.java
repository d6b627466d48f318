package dev.meridian.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read-only transaction as the SQL layer uses it (DESIGN.md §6): every read at the one timestamp
 * chosen at begin, no read set, no validation, never a conflict. Two implementations: {@link
 * ReadOnlyTransaction} over the node's one local range, and the cluster gateway's (package {@code
 * gateway}), which reads every range at the same timestamp.
 */
public interface ReadOnlyTxn {

  /** The one timestamp every read of this transaction is served at. */
  Timestamp readTs();

  /** The value of {@code key} at {@link #readTs()}. */
  CompletableFuture<Optional<byte[]>> get(Key key);

  /** Up to {@code limit} rows of {@code span} in {@code direction} order, at {@link #readTs()}. */
  CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit);
}
