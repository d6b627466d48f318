package dev.meridian.storage.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One piece of a range replica's whole state, as a snapshot streams it: a range-local entry, a
 * committed version, or a write intent. {@link RangeReads#statePage} yields them in the state order:
 * every {@link Local} (by kind tag, then suffix bytes unsigned), then every {@link VersionEntry} (by
 * key, then commit timestamp newest first), then every {@link IntentEntry} (by key). Two replicas with
 * equal state yield equal sequences, whatever their engine; fingerprints rely on that.
 */
public sealed interface RangeEntry {

  /** Position of the entry's kind in the state order. */
  int section();

  int SECTION_LOCAL = 0;
  int SECTION_VERSION = 1;
  int SECTION_INTENT = 2;

  record Local(LocalKind kind, byte[] suffix, byte[] value) implements RangeEntry {
    public Local {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(suffix, "suffix");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int section() {
      return SECTION_LOCAL;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Local local && kind == local.kind
          && Arrays.equals(suffix, local.suffix) && Arrays.equals(value, local.value);
    }

    @Override
    public int hashCode() {
      return kind.hashCode() * 31 * 31 + Arrays.hashCode(suffix) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "local " + kind + " " + Key.wrap(suffix) + " = " + Key.wrap(value);
    }
  }

  record VersionEntry(Key key, Timestamp commitTs, byte[] value) implements RangeEntry {
    public VersionEntry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(commitTs, "commitTs");
    }

    public static VersionEntry of(Version version) {
      return new VersionEntry(version.key(), version.commitTs(), version.value());
    }

    public Version toVersion() {
      return new Version(key, commitTs, value);
    }

    @Override
    public int section() {
      return SECTION_VERSION;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof VersionEntry v && key.equals(v.key) && commitTs.equals(v.commitTs)
          && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
      return Objects.hash(key, commitTs) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "version " + key + "@" + commitTs + " = " + (value == null ? "tombstone" : Key.wrap(value));
    }
  }

  record IntentEntry(Intent intent) implements RangeEntry {
    public IntentEntry {
      Objects.requireNonNull(intent, "intent");
      Objects.requireNonNull(intent.key(), "intent key");
      Objects.requireNonNull(intent.txnId(), "intent txn");
      Objects.requireNonNull(intent.prepareTs(), "intent prepareTs");
    }

    @Override
    public int section() {
      return SECTION_INTENT;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof IntentEntry e && intent.key().equals(e.intent.key())
          && intent.txnId().equals(e.intent.txnId()) && intent.prepareTs().equals(e.intent.prepareTs())
          && Arrays.equals(intent.value(), e.intent.value());
    }

    @Override
    public int hashCode() {
      return Objects.hash(intent.key(), intent.txnId(), intent.prepareTs()) * 31 + Arrays.hashCode(intent.value());
    }

    @Override
    public String toString() {
      return "intent " + intent.key() + " " + intent.txnId() + "@" + intent.prepareTs() + " = "
          + (intent.value() == null ? "delete" : Key.wrap(intent.value()));
    }
  }

  /** The state order (see the interface comment). */
  Comparator<RangeEntry> STATE_ORDER = (a, b) -> {
    int bySection = Integer.compare(a.section(), b.section());
    if (bySection != 0) {
      return bySection;
    }
    return switch (a) {
      case Local la -> {
        Local lb = (Local) b;
        int byKind = Integer.compare(la.kind().tag(), lb.kind().tag());
        yield byKind != 0 ? byKind : Arrays.compareUnsigned(la.suffix(), lb.suffix());
      }
      case VersionEntry va -> {
        VersionEntry vb = (VersionEntry) b;
        int byKey = va.key().compareTo(vb.key());
        yield byKey != 0 ? byKey : vb.commitTs().compareTo(va.commitTs());
      }
      case IntentEntry ia -> ia.intent().key().compareTo(((IntentEntry) b).intent().key());
    };
  };
}
