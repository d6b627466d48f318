/**
 * What a node keeps of the range replicas it hosts (DESIGN §3, §11): {@link
 * dev.meridian.storage.range.RangeStore} and its reads, atomic unsynced apply batches, snapshots,
 * paged whole-range iteration ({@link dev.meridian.storage.range.RangeEntry}, chunk format in {@link
 * dev.meridian.storage.range.RangeEntryCodec}) and staged installs. Implementations: {@link
 * dev.meridian.storage.range.InMemoryRangeStore} and {@code rocks.RocksRangeStore} (over the node's
 * one RocksDB, layouts in its class comment); both pass {@code AbstractRangeStoreContractTest}. What
 * the state means is the transaction layer's ({@code dev.meridian.txn.range.state}).
 */
package dev.meridian.storage.range;
