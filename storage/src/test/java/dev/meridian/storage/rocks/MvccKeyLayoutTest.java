package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.Invariants.InvariantViolation;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The mvcc key layout: escape/parse round trip, and stored order = (user key asc, timestamp desc). */
class MvccKeyLayoutTest {

  @Provide
  Arbitrary<Key> keys() {
    // Mostly the bytes the escape cares about, so that prefixes and 0x00 runs are common.
    Arbitrary<byte[]> awkward =
        Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x02, (byte) 0xFE, (byte) 0xFF, (byte) 'a')
            .array(byte[].class)
            .ofMaxSize(6);
    Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, awkward), net.jqwik.api.Tuple.of(1, any))
        .map(Key::wrap);
  }

  @Provide
  Arbitrary<Timestamp> timestamps() {
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 5)),
            net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, Long.MAX_VALUE)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MAX_VALUE - 1, 255L, 256L)))
        .map(Timestamp::ofMicros);
  }

  @Property(tries = 2000)
  void parsingUndoesEncoding(@ForAll("keys") Key key, @ForAll("timestamps") Timestamp ts) {
    byte[] stored = MvccKeyLayout.encode(key, ts);
    assertThat(MvccKeyLayout.userKeyOf(stored)).isEqualTo(key);
    assertThat(MvccKeyLayout.timestampOf(stored)).isEqualTo(ts);
    assertThat(MvccKeyLayout.prefixOf(stored)).isEqualTo(MvccKeyLayout.prefix(key));
    assertThat(MvccKeyLayout.hasPrefix(stored, MvccKeyLayout.prefix(key))).isTrue();
  }

  @Property(tries = 3000)
  void storedOrderIsKeyAscendingThenTimestampDescending(
      @ForAll("keys") Key a,
      @ForAll("timestamps") Timestamp ta,
      @ForAll("keys") Key b,
      @ForAll("timestamps") Timestamp tb) {
    int expected = a.compareTo(b) != 0 ? a.compareTo(b) : tb.compareTo(ta);
    int actual =
        Arrays.compareUnsigned(MvccKeyLayout.encode(a, ta), MvccKeyLayout.encode(b, tb));
    assertThat(Integer.signum(actual)).isEqualTo(Integer.signum(expected));
  }

  @Property(tries = 3000)
  void prefixesBoundExactlyTheVersionsOfTheirKey(
      @ForAll("keys") Key key, @ForAll("timestamps") Timestamp ts, @ForAll("keys") Key bound) {
    byte[] stored = MvccKeyLayout.encode(key, ts);
    byte[] boundPrefix = MvccKeyLayout.prefix(bound);
    // A span [start, end) becomes [prefix(start), prefix(end)) over stored keys.
    assertThat(Arrays.compareUnsigned(stored, boundPrefix) >= 0).isEqualTo(key.compareTo(bound) >= 0);
    // prefixEnd(prefix(bound)) is the "next user key" seek target.
    assertThat(Arrays.compareUnsigned(stored, MvccKeyLayout.prefixEnd(boundPrefix)) < 0)
        .isEqualTo(key.compareTo(bound) <= 0);
    assertThat(MvccKeyLayout.hasPrefix(stored, boundPrefix)).isEqualTo(key.equals(bound));
    assertThat(
            MvccKeyLayout.sameUserKey(stored, MvccKeyLayout.encode(bound, Timestamp.ZERO)))
        .isEqualTo(key.equals(bound));
  }

  @Example
  void escapesZeroBytesAndInvertsTheTimestamp() {
    byte[] stored = MvccKeyLayout.encode(Key.wrap(new byte[] {'a', 0, 'b'}), Timestamp.ofMicros(1));
    assertThat(stored)
        .isEqualTo(
            new byte[] {
              'a', 0, (byte) 0xFF, 'b', 0, 1,
              0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE
            });
    assertThat(MvccKeyLayout.encode(Key.EMPTY, Timestamp.MAX))
        .isEqualTo(new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  }

  @Example
  void malformedStoredKeysAreRejected() {
    assertThatThrownBy(() -> MvccKeyLayout.userKeyOf(new byte[] {1, 2, 3}))
        .isInstanceOf(InvariantViolation.class);
    // no terminator before the timestamp
    assertThatThrownBy(() -> MvccKeyLayout.userKeyOf(new byte[] {'a', 'b', 0, 0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(InvariantViolation.class);
    // an unescaped 0x00 in the body
    assertThatThrownBy(
            () -> MvccKeyLayout.userKeyOf(new byte[] {0, 'x', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(InvariantViolation.class);
  }
}
