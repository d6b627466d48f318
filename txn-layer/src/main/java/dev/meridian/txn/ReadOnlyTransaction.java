package dev.meridian.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.range.RangeLeader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A read-only transaction (DESIGN.md §6) on this node's one local range: every read is at one timestamp chosen at begin, with no
 * read set, no validation and no locks. It never aborts for a conflict and never delays a writer; a
 * strong read waits at most for commits already in flight at or below its timestamp.
 *
 * <p>Reads may run concurrently; the transaction holds no mutable state.
 */
public final class ReadOnlyTransaction implements ReadOnlyTxn {

  private final Timestamp readTs;
  private final RangeLeader range;

  ReadOnlyTransaction(Timestamp readTs, RangeLeader range) {
    this.readTs = readTs;
    this.range = range;
  }

  @Override
  public Timestamp readTs() {
    return readTs;
  }

  @Override
  public CompletableFuture<Optional<byte[]>> get(Key key) {
    return onLoop(() -> range.read(key, readTs).thenApply(version -> version.map(Version::value)));
  }

  @Override
  public CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return onLoop(
        () ->
            range
                .scan(span, readTs, direction, limit)
                .thenApply(
                    versions ->
                        versions.stream().map(v -> new KeyValue(v.key(), v.value())).toList()));
  }

  private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    range.loop().execute(() -> TxnFutures.forward(work, result));
    return result;
  }
}
