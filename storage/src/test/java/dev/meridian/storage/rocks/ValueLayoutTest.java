package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.Invariants.InvariantViolation;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Intent;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Round trips of the mvcc, intent and meta value layouts. */
class ValueLayoutTest {

  @Property(tries = 500)
  void versionValuesRoundTrip(@ForAll byte[] row, @ForAll boolean tombstone) {
    byte[] value = tombstone ? null : row;
    byte[] stored = ValueLayout.encodeVersionValue(value);
    assertThat(ValueLayout.isTombstone(stored)).isEqualTo(tombstone);
    assertThat(ValueLayout.decodeVersionValue(stored)).isEqualTo(value);
  }

  @Property(tries = 500)
  void intentValuesRoundTrip(
      @ForAll int node,
      @ForAll long sequence,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long prepareMicros,
      @ForAll byte[] row,
      @ForAll boolean delete) {
    byte[] value = delete ? null : row;
    TxnId txnId = new TxnId(node, sequence);
    byte[] stored = ValueLayout.encodeIntentValue(txnId, Timestamp.ofMicros(prepareMicros), value);
    Intent intent = ValueLayout.decodeIntent(Key.utf8("k"), stored);
    assertThat(intent.txnId()).isEqualTo(txnId);
    assertThat(ValueLayout.intentTxnId(stored)).isEqualTo(txnId);
    assertThat(intent.prepareTs()).isEqualTo(Timestamp.ofMicros(prepareMicros));
    assertThat(intent.value()).isEqualTo(value);
    // committing an intent keeps its tag and row bytes: exactly the mvcc value of the same write
    assertThat(ValueLayout.intentToVersionValue(stored)).isEqualTo(ValueLayout.encodeVersionValue(value));
  }

  @Property(tries = 200)
  void horizonRoundTrips(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long micros) {
    Timestamp horizon = Timestamp.ofMicros(micros);
    assertThat(ValueLayout.decodeHorizon(ValueLayout.encodeHorizon(horizon))).isEqualTo(horizon);
  }

  @Example
  void unknownTagsAndTombstonesWithBytesAreRejected() {
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[] {7, 1}))
        .isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[] {0, 1}))
        .isInstanceOf(InvariantViolation.class);
    assertThatThrownBy(() -> ValueLayout.decodeVersionValue(new byte[0]))
        .isInstanceOf(InvariantViolation.class);
  }
}
