package dev.meridian.txn.gateway;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.RangeAdmin;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.PrimaryKeyShape;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.directory.SplitPlanner;
import dev.meridian.txn.directory.SplitRefusedException;
import dev.meridian.txn.types.RangeDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's {@link RangeAdmin}, on a gateway: the directory as the meta range holds it, read in
 * a strong read-only transaction of {@code client} (so a split that completed before is seen), with
 * leaseholders as this gateway's {@link RangeCache} last heard of them; splits through {@link
 * RangeSplitter} (split in the range's log, then the directory update).
 */
final class GatewayRangeAdmin implements RangeAdmin {

  /** Meta entries read per scan while listing ranges. */
  static final int ENTRIES_PER_SCAN = 1_000;

  private final GatewayTxnClient client;
  private final Gateway gateway;
  private final DirectoryLimits limits;

  GatewayRangeAdmin(GatewayTxnClient client, Gateway gateway, DirectoryLimits limits) {
    this.client = client;
    this.gateway = gateway;
    this.limits = limits;
  }

  @Override
  public CompletableFuture<List<ShowRanges.RangeRow>> ranges(KeySpan span) {
    ReadOnlyTxn txn = client.beginReadOnly(TimestampBound.strong());
    return readEntries(txn, MetaLayout.ENTRIES, new ArrayList<>())
        .thenApply(descriptors -> ShowRanges.rows(descriptors, this::leaseholder, span));
  }

  private CompletableFuture<List<RangeDescriptor>> readEntries(ReadOnlyTxn txn, KeySpan rest,
      List<RangeDescriptor> into) {
    return txn.scan(rest, Direction.FORWARD, ENTRIES_PER_SCAN).thenCompose(entries -> {
      for (KeyValue entry : entries) {
        into.add(MetaLayout.decodeEntry(entry.key(), entry.value(), limits));
      }
      if (entries.size() < ENTRIES_PER_SCAN) {
        return CompletableFuture.completedFuture(into);
      }
      Key last = entries.get(entries.size() - 1).key();
      return readEntries(txn, new KeySpan(last.successor(), rest.end()), into);
    });
  }

  private NodeId leaseholder(dev.meridian.txn.types.RangeId range) {
    return gateway.cache().lookup(range).map(RangeCache.CachedRange::leaseholder).orElse(null);
  }

  /** Checks the key by {@link SplitPlanner}'s rules, then splits through {@link RangeSplitter}. */
  @Override
  public CompletableFuture<Void> split(Key splitKey, PrimaryKeyShape shape) {
    try {
      new SplitPlanner(limits, shape).requireSplitKey(splitKey);
    } catch (SplitRefusedException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return client.split(splitKey).thenApply(halves -> null);
  }
}
