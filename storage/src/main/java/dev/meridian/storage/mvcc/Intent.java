package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;

/**
 * A write of a prepared, unresolved transaction: invisible to reads until its transaction commits,
 * when it becomes a {@link Version} at the commit timestamp, or aborts, when it disappears.
 * {@code value} is null for a delete.
 */
public record Intent(Key key, TxnId txnId, Timestamp prepareTs, byte[] value) {}
