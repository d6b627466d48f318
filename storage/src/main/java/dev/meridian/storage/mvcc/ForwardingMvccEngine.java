package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link MvccEngine} that forwards every call to another: subclasses override the calls they
 * change, e.g. to inject disk faults in tests and the simulator.
 */
public abstract class ForwardingMvccEngine implements MvccEngine {

  private final MvccEngine delegate;

  protected ForwardingMvccEngine(MvccEngine delegate) {
    this.delegate = delegate;
  }

  protected MvccEngine delegate() {
    return delegate;
  }

  @Override
  public Optional<Version> get(Key key, Timestamp readTs) {
    return delegate.get(key, readTs);
  }

  @Override
  public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
    return delegate.scan(span, readTs, direction, limit);
  }

  @Override
  public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
    return delegate.newestAfter(span, ts);
  }

  @Override
  public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
    return delegate.commit(writes, commitTs);
  }

  @Override
  public CompletableFuture<Void> putIntents(
      TxnId txnId, Timestamp prepareTs, Collection<Write> writes) {
    return delegate.putIntents(txnId, prepareTs, writes);
  }

  @Override
  public List<Intent> intents(KeySpan span) {
    return delegate.intents(span);
  }

  @Override
  public CompletableFuture<Void> resolveIntents(
      TxnId txnId, Collection<Key> keys, Optional<Timestamp> commitTs) {
    return delegate.resolveIntents(txnId, keys, commitTs);
  }

  @Override
  public Timestamp gcHorizon() {
    return delegate.gcHorizon();
  }

  @Override
  public GcResult collectGarbage(Timestamp horizon) {
    return delegate.collectGarbage(horizon);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
