package dev.meridian.storage.rocks;

import static dev.meridian.storage.rocks.MvccKeyLayout.getInt;
import static dev.meridian.storage.rocks.MvccKeyLayout.getLong;
import static dev.meridian.storage.rocks.MvccKeyLayout.putInt;
import static dev.meridian.storage.rocks.MvccKeyLayout.putLong;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Intent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Values of the {@code mvcc}, {@code intents} and {@code meta} column families (see {@link
 * RocksMvccEngine} for all layouts). All integers are big-endian.
 *
 * <pre>
 *   mvcc value:   tag(1) | row bytes              tag 0x01 = row, 0x00 = tombstone (no bytes follow)
 *   intent value: coordinatorNode(4) | sequence(8) | prepareMicros(8) | tag(1) | row bytes
 *   meta "gc-horizon": horizonMicros(8)
 * </pre>
 */
final class ValueLayout {

  static final byte TAG_TOMBSTONE = 0x00;
  static final byte TAG_ROW = 0x01;
  static final byte[] GC_HORIZON_KEY = "gc-horizon".getBytes(StandardCharsets.US_ASCII);
  private static final int INTENT_HEADER_BYTES = 4 + 8 + 8;

  private ValueLayout() {}

  /** {@code tag | bytes} for a row, or the one-byte tombstone for null. */
  static byte[] encodeVersionValue(byte[] row) {
    if (row == null) {
      return new byte[] {TAG_TOMBSTONE};
    }
    byte[] out = new byte[row.length + 1];
    out[0] = TAG_ROW;
    System.arraycopy(row, 0, out, 1, row.length);
    return out;
  }

  /** The row of a stored version value, or null for a tombstone. */
  static byte[] decodeVersionValue(byte[] stored) {
    return decodeTagged(stored, 0);
  }

  static boolean isTombstone(byte[] storedVersionValue) {
    Invariants.require(storedVersionValue.length >= 1, "mvcc value is empty");
    return storedVersionValue[0] == TAG_TOMBSTONE;
  }

  static byte[] encodeIntentValue(TxnId txnId, Timestamp prepareTs, byte[] row) {
    int rowLength = row == null ? 0 : row.length;
    byte[] out = new byte[INTENT_HEADER_BYTES + 1 + rowLength];
    putInt(out, 0, txnId.coordinatorNode());
    putLong(out, 4, txnId.sequence());
    putLong(out, 12, prepareTs.micros());
    out[INTENT_HEADER_BYTES] = row == null ? TAG_TOMBSTONE : TAG_ROW;
    if (row != null) {
      System.arraycopy(row, 0, out, INTENT_HEADER_BYTES + 1, rowLength);
    }
    return out;
  }

  static TxnId intentTxnId(byte[] stored) {
    Invariants.require(stored.length > INTENT_HEADER_BYTES, "intent value of %d bytes is too short", stored.length);
    return new TxnId(getInt(stored, 0), getLong(stored, 4));
  }

  static Intent decodeIntent(Key key, byte[] stored) {
    TxnId txnId = intentTxnId(stored);
    Timestamp prepareTs = Timestamp.ofMicros(getLong(stored, 12));
    return new Intent(key, txnId, prepareTs, decodeTagged(stored, INTENT_HEADER_BYTES));
  }

  /** The mvcc value an intent becomes when its transaction commits: its tag and row bytes. */
  static byte[] intentToVersionValue(byte[] storedIntent) {
    Invariants.require(storedIntent.length > INTENT_HEADER_BYTES, "intent value is too short");
    return Arrays.copyOfRange(storedIntent, INTENT_HEADER_BYTES, storedIntent.length);
  }

  static byte[] encodeHorizon(Timestamp horizon) {
    byte[] out = new byte[8];
    putLong(out, 0, horizon.micros());
    return out;
  }

  static Timestamp decodeHorizon(byte[] stored) {
    Invariants.require(stored.length == 8, "gc-horizon value has %d bytes, not 8", stored.length);
    return Timestamp.ofMicros(getLong(stored, 0));
  }

  private static byte[] decodeTagged(byte[] stored, int tagAt) {
    Invariants.require(stored.length > tagAt, "value has no tag byte at offset %d", tagAt);
    byte tag = stored[tagAt];
    if (tag == TAG_TOMBSTONE) {
      Invariants.require(stored.length == tagAt + 1, "tombstone value carries row bytes");
      return null;
    }
    Invariants.require(tag == TAG_ROW, "unknown value tag 0x%02x", tag);
    return Arrays.copyOfRange(stored, tagAt + 1, stored.length);
  }
}
