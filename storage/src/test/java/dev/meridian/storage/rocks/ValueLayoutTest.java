package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.Invariants.InvariantViolation;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Intent;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Round trips of the mvcc, intent and meta value layouts. */
class ValueLayoutTest {

  private static final long[] EDGE_MICROS = {0, 1, 255, 256, Long.MAX_VALUE - 1, Long.MAX_VALUE};

  /** A timestamp's micros, in [0, Long.MAX_VALUE]: spread over all bit widths, edges often. */
  private static long micros(RandomSource random) {
    return Gen.edgeBiased(
        random,
        0.1,
        EDGE_MICROS,
        r -> {
          long v = Gen.anyLong(r);
          return v < 0 ? ~v : v;
        });
  }

  /** A row: often short, up to 255 bytes, edge bytes (0x00, 0xFF, …) often. */
  private static byte[] row(RandomSource random) {
    return Gen.bytes(random, random.chance(0.5) ? 8 : 255);
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
  }

  /** A version's row, or a tombstone (null). */
  record VersionCase(byte[] value) {
    @Override
    public String toString() {
      return "VersionCase[" + hex(value) + "]";
    }
  }

  /** An intent; value null means a delete. */
  record IntentCase(int node, long sequence, long prepareMicros, byte[] value) {
    @Override
    public String toString() {
      return "IntentCase[node="
          + node
          + ", sequence="
          + sequence
          + ", prepareMicros="
          + prepareMicros
          + ", value="
          + hex(value)
          + "]";
    }
  }

  @Test
  void versionValuesRoundTrip() {
    PropertyCheck.forAll(
        500,
        random -> new VersionCase(random.chance(0.5) ? null : row(random)),
        c -> {
          byte[] stored = ValueLayout.encodeVersionValue(c.value());
          assertThat(ValueLayout.isTombstone(stored)).isEqualTo(c.value() == null);
          assertThat(ValueLayout.decodeVersionValue(stored)).isEqualTo(c.value());
        });
  }

  @Test
  void intentValuesRoundTrip() {
    PropertyCheck.forAll(
        500,
        random ->
            new IntentCase(
                Gen.anyInt(random),
                Gen.anyLong(random),
                micros(random),
                random.chance(0.5) ? null : row(random)),
        c -> {
          TxnId txnId = new TxnId(c.node(), c.sequence());
          Timestamp prepareTs = Timestamp.ofMicros(c.prepareMicros());
          byte[] stored = ValueLayout.encodeIntentValue(txnId, prepareTs, c.value());
          Intent intent = ValueLayout.decodeIntent(Key.utf8("k"), stored);
          assertThat(intent.txnId()).isEqualTo(txnId);
          assertThat(ValueLayout.intentTxnId(stored)).isEqualTo(txnId);
          assertThat(intent.prepareTs()).isEqualTo(prepareTs);
          assertThat(intent.value()).isEqualTo(c.value());
          // committing an intent keeps its tag and row bytes: the mvcc value of the same write
          assertThat(ValueLayout.intentToVersionValue(stored))
              .isEqualTo(ValueLayout.encodeVersionValue(c.value()));
        });
  }

  @Test
  void horizonRoundTrips() {
    PropertyCheck.forAll(
        200,
        ValueLayoutTest::micros,
        micros -> {
          Timestamp horizon = Timestamp.ofMicros(micros);
          assertThat(ValueLayout.decodeHorizon(ValueLayout.encodeHorizon(horizon)))
              .isEqualTo(horizon);
        });
  }

  @Test
  void unknownTagsAndTombstonesWithBytesAreRejected() {
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[] {7, 1}))
        .isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[] {0, 1}))
        .isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[0]))
        .isInstanceOf(InvariantViolation.class);
  }
}
