package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.Invariants.InvariantViolation;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The mvcc key layout: escape/parse round trip, and stored order = (user key asc, timestamp desc). */
class MvccKeyLayoutTest {

  private static final byte[] AWKWARD_BYTES = {0x00, 0x01, 0x02, (byte) 0xFE, (byte) 0xFF, 'a'};

  static Key anyKey(RandomSource random) {
    // Mostly the bytes the escape cares about, so that prefixes and 0x00 runs are common.
    if (Gen.frequency(random, 4, 1) == 0) {
      return Key.wrap(Gen.bytesFrom(random, 6, AWKWARD_BYTES));
    }
    byte[] any = new byte[random.nextInt(13)];
    for (int i = 0; i < any.length; i++) {
      any[i] = (byte) random.nextInt(256);
    }
    return Key.wrap(any);
  }

  static Timestamp anyTimestamp(RandomSource random) {
    return Timestamp.ofMicros(
        switch (Gen.frequency(random, 3, 3, 1)) {
          case 0 -> Gen.between(random, 0L, 5L);
          case 1 -> Gen.between(random, 0L, Long.MAX_VALUE);
          default -> Gen.oneOf(random, Long.MAX_VALUE, Long.MAX_VALUE - 1, 255L, 256L);
        });
  }

  record Version(Key key, Timestamp ts) {
    static Version draw(RandomSource random) {
      return new Version(anyKey(random), anyTimestamp(random));
    }

    @Override
    public String toString() {
      return key + "@" + ts;
    }
  }

  record TwoVersions(Version a, Version b) {}

  record VersionAndBound(Version version, Key bound) {}

  @Test
  void parsingUndoesEncoding() {
    PropertyCheck.forAll(
        2000,
        Version::draw,
        v -> {
          byte[] stored = MvccKeyLayout.encode(v.key(), v.ts());
          assertThat(MvccKeyLayout.userKeyOf(stored)).isEqualTo(v.key());
          assertThat(MvccKeyLayout.timestampOf(stored)).isEqualTo(v.ts());
          assertThat(MvccKeyLayout.prefixOf(stored)).isEqualTo(MvccKeyLayout.prefix(v.key()));
          assertThat(MvccKeyLayout.hasPrefix(stored, MvccKeyLayout.prefix(v.key()))).isTrue();
        });
  }

  @Test
  void storedOrderIsKeyAscendingThenTimestampDescending() {
    PropertyCheck.forAll(
        3000,
        random -> {
          Version a = Version.draw(random);
          // One time in four the same key, so that the timestamp decides.
          Version b =
              random.chance(0.25)
                  ? new Version(a.key(), anyTimestamp(random))
                  : Version.draw(random);
          return new TwoVersions(a, b);
        },
        pair -> {
          Version a = pair.a();
          Version b = pair.b();
          int byKey = a.key().compareTo(b.key());
          int expected = byKey != 0 ? byKey : b.ts().compareTo(a.ts());
          int actual =
              Arrays.compareUnsigned(
                  MvccKeyLayout.encode(a.key(), a.ts()), MvccKeyLayout.encode(b.key(), b.ts()));
          assertThat(Integer.signum(actual)).isEqualTo(Integer.signum(expected));
        });
  }

  @Test
  void prefixesBoundExactlyTheVersionsOfTheirKey() {
    PropertyCheck.forAll(
        3000,
        random -> {
          Version version = Version.draw(random);
          // One time in four the version's own key, so hasPrefix and sameUserKey see both answers.
          Key bound = random.chance(0.25) ? version.key() : anyKey(random);
          return new VersionAndBound(version, bound);
        },
        c -> {
          Key key = c.version().key();
          Key bound = c.bound();
          byte[] stored = MvccKeyLayout.encode(key, c.version().ts());
          byte[] boundPrefix = MvccKeyLayout.prefix(bound);
          // A span [start, end) becomes [prefix(start), prefix(end)) over stored keys.
          assertThat(Arrays.compareUnsigned(stored, boundPrefix) >= 0)
              .isEqualTo(key.compareTo(bound) >= 0);
          // prefixEnd(prefix(bound)) is the "next user key" seek target.
          assertThat(Arrays.compareUnsigned(stored, MvccKeyLayout.prefixEnd(boundPrefix)) < 0)
              .isEqualTo(key.compareTo(bound) <= 0);
          assertThat(MvccKeyLayout.hasPrefix(stored, boundPrefix)).isEqualTo(key.equals(bound));
          assertThat(MvccKeyLayout.sameUserKey(stored, MvccKeyLayout.encode(bound, Timestamp.ZERO)))
              .isEqualTo(key.equals(bound));
        });
  }

  @Test
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

  @Test
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
