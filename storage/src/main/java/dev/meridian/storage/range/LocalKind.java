package dev.meridian.storage.range;

/**
 * The kinds of range-local entries: state of one range replica that is keyed by the range's id rather
 * than by a user key. The storage layer owns {@link #APPLIED_SLOT} (written only through {@link
 * RangeBatch#setAppliedSlot}); the other kinds' values are opaque bytes here, encoded by the
 * transaction layer's range state machine, which documents their layouts
 * ({@code dev.meridian.txn.range.state.RangeLocalLayout}). The tag is part of the stored key, so it
 * must never change; entries of one range iterate in tag order, then by suffix.
 */
public enum LocalKind {
  /** The last Paxos slot whose effects are stored; suffix empty; value be64(slot). */
  APPLIED_SLOT(0x01),
  /** Descriptor, lease and timestamps of the range; suffix empty. */
  META(0x02),
  /** One prepared transaction's write keys and read spans; suffix = the transaction id. */
  PREPARED(0x03),
  /** A coordinator's decision (transaction record); suffix = the transaction id. */
  TXN_RECORD(0x04),
  /**
   * A fast-path commit or a prepare applied under the current lease, for duplicate detection;
   * suffix = txn id.
   */
  COMMIT_MARKER(0x05);

  private final int tag;

  LocalKind(int tag) {
    this.tag = tag;
  }

  public int tag() {
    return tag;
  }

  public static LocalKind ofTag(int tag) {
    for (LocalKind kind : values()) {
      if (kind.tag == tag) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown range-local kind tag " + tag);
  }
}
