package dev.meridian.sim.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeBatch;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.storage.range.RangeReads;
import dev.meridian.storage.range.RangeSnapshot;
import dev.meridian.storage.range.RangeStaging;
import dev.meridian.storage.range.RangeStore;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The planted bug {@code SKIP_READ_VALIDATION} ({@link dev.meridian.sim.paxos.PlantedBug}), in the
 * simulator's storage model: a store whose snapshots never find a version newer than a read
 * timestamp ({@link RangeReads#newestAfter} answers empty), as an engine with a broken newest-after
 * index would. The leaseholder's optimistic validation runs against store snapshots, so every
 * read-write transaction passes it: lost updates, which the checker must find. Everything else —
 * applies, reads, snapshots for transfer — is the real store's.
 */
final class BlindValidationStore implements RangeStore {

  private final RangeStore store;

  BlindValidationStore(RangeStore store) {
    this.store = store;
  }

  @Override
  public RangeBatch newBatch() {
    return store.newBatch();
  }

  @Override
  public RangeReads reads() {
    return store.reads();
  }

  @Override
  public RangeSnapshot snapshot() {
    RangeSnapshot real = store.snapshot();
    return new RangeSnapshot() {
      @Override
      public Optional<Version> get(Key key, Timestamp readTs) {
        return real.get(key, readTs);
      }

      @Override
      public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
        return real.scan(span, readTs, direction, limit);
      }

      @Override
      public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
        return Optional.empty();
      }

      @Override
      public List<Intent> intents(KeySpan span) {
        return real.intents(span);
      }

      @Override
      public OptionalLong appliedSlot(long rangeId) {
        return real.appliedSlot(rangeId);
      }

      @Override
      public Optional<byte[]> local(long rangeId, LocalKind kind, byte[] suffix) {
        return real.local(rangeId, kind, suffix);
      }

      @Override
      public List<RangeEntry.Local> locals(long rangeId, LocalKind kind) {
        return real.locals(rangeId, kind);
      }

      @Override
      public List<RangeEntry> entriesAfter(long rangeId, KeySpan span, RangeEntry after, int maxCount) {
        return real.entriesAfter(rangeId, span, after, maxCount);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  @Override
  public RangeStaging beginInstall(long rangeId, KeySpan span) {
    return store.beginInstall(rangeId, span);
  }

  @Override
  public void destroy(long rangeId, KeySpan span) {
    store.destroy(rangeId, span);
  }

  @Override
  public List<Long> hostedRanges() {
    return store.hostedRanges();
  }

  @Override
  public void close() {
    store.close();
  }
}
