package dev.meridian.txn.gateway;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.TxnFutures;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A read-only transaction of the cluster (DESIGN §6): every read, on whichever range, at the one
 * timestamp chosen at begin ({@code TT.now().latest} for a strong read). A strong read goes to the
 * range's leaseholder, which first waits for prepared writers at or below that timestamp and then
 * raises its read watermark to it (or, with the leaseholder in another region, to a replica here
 * that asks it only for that point: {@link Gateway.ReadRoute#NEAREST_STRONG}). A stale one ({@code stale}: exact or bounded staleness, or a
 * given timestamp) goes to the nearest replica, which serves it only when its safe time covers the
 * timestamp, and to the leaseholder otherwise ({@link Gateway#followerGet}). Either way every range
 * shows the snapshot of the same instant, and it stays fixed: no intents, no validation, no aborts.
 * Holds no mutable state; reads may run concurrently.
 */
public final class GatewayReadOnlyTransaction implements ReadOnlyTxn {

  private final Timestamp readTs;
  private final Gateway gateway;
  private final Gateway.ReadRoute route;

  GatewayReadOnlyTransaction(Timestamp readTs, Gateway gateway, Gateway.ReadRoute route) {
    this.readTs = readTs;
    this.gateway = gateway;
    this.route = route;
  }

  @Override
  public Timestamp readTs() {
    return readTs;
  }

  @Override
  public CompletableFuture<Optional<byte[]>> get(Key key) {
    return onLoop(() -> gateway.get(key, readTs, route).thenApply(version -> version.map(Version::value)));
  }

  @Override
  public CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return onLoop(() -> gateway.scan(span, direction, limit, readTs, route));
  }

  private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    gateway.loop().execute(() -> TxnFutures.forward(work, result));
    return result;
  }
}
