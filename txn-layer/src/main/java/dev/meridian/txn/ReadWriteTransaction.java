package dev.meridian.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.range.RangeLeader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read-write transaction (DESIGN.md §6) on this node's one local range: reads a snapshot at {@code
 * readTs = TT.now().latest} taken at begin, buffers its writes (reads see them: read your own
 * writes), records what it read, and at commit asks the range leader to validate that nothing it
 * read has changed since. Buffer, savepoints, read set and the loop hand-off are {@link
 * BufferedReadWriteTxn}'s; everything runs on the range's loop. The local range has no read-set
 * bound: its read set never leaves this node's heap as intents.
 */
public final class ReadWriteTransaction extends BufferedReadWriteTxn {

  private final RangeLeader range;

  ReadWriteTransaction(TxnId id, Timestamp readTs, RangeLeader range, TxnLimits limits) {
    super(id, readTs, range.loop(), limits, Long.MAX_VALUE);
    this.range = range;
  }

  @Override
  protected CompletableFuture<Optional<Version>> readStored(Key key) {
    return range.read(key, readTs());
  }

  @Override
  protected CompletableFuture<List<KeyValue>> scanStored(KeySpan span, Direction direction, int limit) {
    return range.scan(span, readTs(), direction, limit).thenApply(TxnWorkspace::rows);
  }

  /**
   * Completes with the commit timestamp once the transaction is durable and its timestamp has
   * passed in true time, or fails with {@link TxnConflictException} having written nothing. A
   * transaction that wrote nothing commits at its read timestamp.
   */
  @Override
  protected CompletableFuture<Timestamp> commitStored(List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans) {
    return range.commit(new CommitRequest(id(), readTs(), readKeys, readSpans, writes));
  }
}
