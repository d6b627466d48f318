package dev.meridian.txn.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import java.util.List;

/**
 * What a read-write transaction asks its range leader to commit: the snapshot it read at, what it read
 * (keys and scanned spans, for validation) and what it writes (one write per key).
 */
public record CommitRequest(
    TxnId txnId, Timestamp readTs, List<Key> readKeys, List<KeySpan> readSpans, List<Write> writes) {

  public CommitRequest {
    readKeys = List.copyOf(readKeys);
    readSpans = List.copyOf(readSpans);
    writes = List.copyOf(writes);
  }
}
