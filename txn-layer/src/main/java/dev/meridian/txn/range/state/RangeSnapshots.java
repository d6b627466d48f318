package dev.meridian.txn.range.state;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.storage.range.RangeEntryCodec;
import dev.meridian.storage.range.RangeReads;
import dev.meridian.storage.range.RangeSnapshot;
import dev.meridian.storage.range.RangeStaging;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.storage.range.StatePage;
import dev.meridian.txn.types.RangeId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Range snapshots: streaming a range's whole state in bounded chunks, installing it atomically, and
 * fingerprinting it (equal state, equal fingerprint, whichever store holds it).
 *
 * <p>Install and a replica that missed a split: the span removed on install is the union of the
 * installed span and the span this store held for the range before (a replica whose range split
 * while it lagged still owns the wider span); the host must refuse a snapshot whose span overlaps
 * another range it hosts (CockroachDB refuses such snapshots the same way), because data here is
 * keyed by user key alone.
 */
public final class RangeSnapshots {

  /** Smallest chunk bound: room for the applied slot and the metadata of any sane descriptor. */
  public static final int MIN_CHUNK_BYTES = 4096;

  private RangeSnapshots() {}

  /** A source of {@code machine}'s current state, in chunks of at most {@code maxChunkBytes}. */
  public static RangeSnapshotSource source(RangeStateMachine machine, int maxChunkBytes) {
    if (maxChunkBytes < MIN_CHUNK_BYTES) {
      throw new IllegalArgumentException("snapshot chunks of " + maxChunkBytes + " bytes are below the minimum "
          + MIN_CHUNK_BYTES);
    }
    RangeSnapshot snapshot = machine.store().snapshot();
    long rangeId = machine.id().value();
    KeySpan span = machine.descriptor().span();
    long slot = snapshot.appliedSlot(rangeId).orElseThrow();
    Invariants.require(slot == machine.appliedSlot(), "snapshot of range %s is at slot %d, the state machine at %d",
        machine.id(), slot, machine.appliedSlot());
    return new RangeSnapshotSource() {
      private RangeEntry after;
      private boolean done;

      @Override
      public long appliedSlot() {
        return slot;
      }

      @Override
      public byte[] nextChunk() {
        if (done) {
          return null;
        }
        StatePage page = snapshot.statePage(rangeId, span, after, maxChunkBytes);
        if (page.isLast()) {
          done = true;
          if (page.entries().isEmpty() && after != null) {
            return null;
          }
        } else {
          after = page.resumeAfter();
        }
        return RangeEntryCodec.encode(page.entries());
      }

      @Override
      public void close() {
        snapshot.close();
      }
    };
  }

  /**
   * Begins installing a snapshot of range {@code id} into {@code store}. The span is read from the
   * snapshot's own metadata, which the first chunk carries.
   */
  public static RangeSnapshotInstaller installer(RangeStore store, RangeId id) {
    return new RangeSnapshotInstaller() {
      private RangeStaging staging;
      private boolean ended;

      @Override
      public void accept(byte[] chunk) {
        if (ended) {
          throw new IllegalStateException("install of range " + id + " already ended");
        }
        if (staging == null) {
          staging = store.beginInstall(id.value(), removedSpan(chunk));
        }
        staging.add(chunk);
      }

      private KeySpan removedSpan(byte[] firstChunk) {
        List<RangeEntry> entries = RangeEntryCodec.decode(firstChunk);
        RangeMeta meta = null;
        long slot = -1;
        for (RangeEntry entry : entries) {
          if (entry instanceof RangeEntry.Local local && local.kind() == LocalKind.META) {
            meta = RangeLocalLayout.decodeMeta(local.value());
          }
          if (entry instanceof RangeEntry.Local local && local.kind() == LocalKind.APPLIED_SLOT) {
            slot = new BinaryReader(local.value()).i64("applied slot");
          }
        }
        if (meta == null || slot < 0) {
          throw new BinaryReader.MalformedException(
              "the first snapshot chunk of range " + id + " lacks its metadata or applied slot");
        }
        long current = store.reads().appliedSlot(id.value()).orElse(-1);
        if (current >= slot) {
          // Installing it would move the replica back in its log: the driver sent a stale snapshot.
          throw new IllegalStateException("range " + id + " has applied slot " + current
              + ", the snapshot only slot " + slot + ": not installed");
        }
        if (!meta.descriptor().id().equals(id)) {
          throw new BinaryReader.MalformedException("a snapshot of " + meta.descriptor().id() + " offered to " + id);
        }
        KeySpan span = meta.descriptor().span();
        Optional<byte[]> old = store.reads().local(id.value(), LocalKind.META, new byte[0]);
        if (old.isPresent()) {
          KeySpan oldSpan = RangeLocalLayout.decodeMeta(old.get()).descriptor().span();
          span = cover(span, oldSpan);
        }
        return span;
      }

      @Override
      public RangeStateMachine finish() {
        if (ended || staging == null) {
          throw new IllegalStateException("install of range " + id + " has nothing to finish");
        }
        ended = true;
        staging.commit();
        return RangeStateMachine.open(store, id);
      }

      @Override
      public void abort() {
        ended = true;
        if (staging != null) {
          staging.abort();
        }
      }

      @Override
      public void close() {
        if (!ended) {
          abort();
        }
      }
    };
  }

  /** The smallest span that holds both. */
  static KeySpan cover(KeySpan a, KeySpan b) {
    var start = a.start().compareTo(b.start()) <= 0 ? a.start() : b.start();
    var end = a.end() == null || b.end() == null ? null : (a.end().compareTo(b.end()) >= 0 ? a.end() : b.end());
    return new KeySpan(start, end);
  }

  /**
   * A digest of range {@code id}'s whole state as {@code reads} show it (every entry of the state
   * order over {@code span}): two replicas that applied the same slots have the same fingerprint.
   */
  public static String fingerprint(RangeReads reads, RangeId id, KeySpan span) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
    RangeEntry after = null;
    long entries = 0;
    while (true) {
      List<RangeEntry> batch = reads.entriesAfter(id.value(), span, after, 512);
      if (batch.isEmpty()) {
        break;
      }
      digest.update(RangeEntryCodec.encode(batch));
      entries += batch.size();
      after = batch.getLast();
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8) + "/" + entries;
  }

  /** {@link #fingerprint} of a state machine's current state. */
  public static String fingerprint(RangeStateMachine machine) {
    return fingerprint(machine.store().reads(), machine.id(), machine.descriptor().span());
  }
}
