package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link Marzullo}: with a majority of honest intervals (each containing true time) and
 * a minority of liars placed anywhere — far away, next to the truth, stacked on each other, or
 * straddling honest intervals to pull the result — the result contains true time, stays inside the
 * honest intervals' hull, never rejects an honest source, and equals a brute-force reference.
 */
class MarzulloPropertyTest {

  private static final int TRIES = 2_000;

  record Case(long trueTime, int quorum, List<Marzullo.Source> sources, int honest) {}

  private static Case draw(RandomSource r) {
    int n = Gen.between(r, 1, 9);
    int quorum = Marzullo.majorityOf(n);
    int honest = Gen.between(r, quorum, n);
    long trueTime = Gen.between(r, -1_000L, 1_000L);
    List<Marzullo.Source> sources = new ArrayList<>();
    for (int i = 0; i < honest; i++) {
      long below = Gen.between(r, 0L, r.chance(0.2) ? 0L : 500L);
      long above = Gen.between(r, 0L, r.chance(0.2) ? 0L : 500L);
      sources.add(new Marzullo.Source("h" + i, trueTime - below, trueTime + above));
    }
    // Liars: one shared strategy per case, so they can gang up.
    int strategy = r.nextInt(4);
    long anchor = trueTime + Gen.between(r, 1L, 600L) * (r.chance(0.5) ? 1 : -1);
    for (int i = honest; i < n; i++) {
      long low;
      long high;
      switch (strategy) {
        case 0 -> { // stacked on one point just beside the truth
          low = anchor;
          high = anchor + (anchor > trueTime ? 5 : -5);
        }
        case 1 -> { // far away
          low = trueTime + 1_000_000 + i;
          high = low + 10;
        }
        case 2 -> { // wide, covering everything honest too
          low = trueTime - 10_000;
          high = trueTime + 10_000;
        }
        default -> { // anywhere
          low = Gen.between(r, -3_000L, 3_000L);
          high = low + Gen.between(r, 0L, 2_000L);
        }
      }
      sources.add(new Marzullo.Source("l" + i, Math.min(low, high), Math.max(low, high)));
    }
    // Input order must not matter: shuffle.
    for (int i = sources.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Marzullo.Source t = sources.get(i);
      sources.set(i, sources.get(j));
      sources.set(j, t);
    }
    return new Case(trueTime, quorum, sources, honest);
  }

  @Test
  void resultContainsTrueTimeWhenAMajorityDoes() {
    PropertyCheck.forAll(TRIES, MarzulloPropertyTest::draw, c -> {
      Marzullo.Result result = Marzullo.intersect(c.sources(), c.quorum());
      assertThat(result.found()).isTrue();
      assertThat(result.lowMicros()).isLessThanOrEqualTo(c.trueTime());
      assertThat(result.highMicros()).isGreaterThanOrEqualTo(c.trueTime());
    });
  }

  /**
   * As {@link SyncedTrueTime} uses it when answers are lost: {@code n} masters of which at most {@code
   * f = n − majority} lie, some honest answers missing, quorum {@code answers − f}. The result still
   * contains true time.
   */
  @Test
  void withLostAnswersTheQuorumDiscountingLiarsStillContainsTrueTime() {
    PropertyCheck.forAll(TRIES, r -> {
      Case full = draw(r);
      int n = full.sources().size();
      int maxLiars = n - Marzullo.majorityOf(n);
      List<Marzullo.Source> answers = new ArrayList<>(full.sources());
      // Lose honest answers while a majority still answers.
      for (int i = answers.size() - 1; i >= 0 && answers.size() > Marzullo.majorityOf(n); i--) {
        if (answers.get(i).name().startsWith("h") && r.chance(0.5)) {
          answers.remove(i);
        }
      }
      return new Case(full.trueTime(), Math.max(1, answers.size() - maxLiars), answers, full.honest());
    }, c -> {
      Marzullo.Result result = Marzullo.intersect(c.sources(), c.quorum());
      assertThat(result.found()).isTrue();
      assertThat(result.lowMicros()).isLessThanOrEqualTo(c.trueTime());
      assertThat(result.highMicros()).isGreaterThanOrEqualTo(c.trueTime());
    });
  }

  @Test
  void liarsCannotMoveTheResultOutsideTheHonestHull() {
    PropertyCheck.forAll(TRIES, MarzulloPropertyTest::draw, c -> {
      Marzullo.Result result = Marzullo.intersect(c.sources(), c.quorum());
      long honestLow = Long.MAX_VALUE;
      long honestHigh = Long.MIN_VALUE;
      for (Marzullo.Source s : c.sources()) {
        if (s.name().startsWith("h")) {
          honestLow = Math.min(honestLow, s.lowMicros());
          honestHigh = Math.max(honestHigh, s.highMicros());
        }
      }
      assertThat(result.lowMicros()).isGreaterThanOrEqualTo(honestLow);
      assertThat(result.highMicros()).isLessThanOrEqualTo(honestHigh);
      assertThat(result.rejected()).noneMatch(name -> name.startsWith("h"));
    });
  }

  @Test
  void equalsBruteForceReference() {
    PropertyCheck.forAll(TRIES, r -> {
      int n = Gen.between(r, 0, 7);
      List<Marzullo.Source> sources = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long low = Gen.between(r, -20L, 20L);
        sources.add(new Marzullo.Source("s" + i, low, low + Gen.between(r, 0L, 15L)));
      }
      return new Case(0, Gen.between(r, 1, 5), sources, 0);
    }, c -> {
      Marzullo.Result result = Marzullo.intersect(c.sources(), c.quorum());
      long low = Long.MAX_VALUE;
      long high = Long.MIN_VALUE;
      int maxOverlap = 0;
      for (long x = -21; x <= 36; x++) {
        int covered = 0;
        for (Marzullo.Source s : c.sources()) {
          covered += s.lowMicros() <= x && x <= s.highMicros() ? 1 : 0;
        }
        maxOverlap = Math.max(maxOverlap, covered);
        if (covered >= c.quorum()) {
          low = Math.min(low, x);
          high = Math.max(high, x);
        }
      }
      assertThat(result.maxOverlap()).isEqualTo(maxOverlap);
      assertThat(result.found()).isEqualTo(low != Long.MAX_VALUE);
      if (result.found()) {
        assertThat(result.lowMicros()).isEqualTo(low);
        assertThat(result.highMicros()).isEqualTo(high);
        for (Marzullo.Source s : c.sources()) {
          boolean misses = s.highMicros() < low || s.lowMicros() > high;
          assertThat(result.rejected().contains(s.name())).isEqualTo(misses);
        }
      }
    });
  }

  /** The counterexample to "greatest overlap": that region misses true time, this result does not. */
  @Test
  void greatestOverlapIsNotTheAnswer() {
    List<Marzullo.Source> sources = List.of(
        new Marzullo.Source("a", 0, 10), new Marzullo.Source("b", 5, 15), new Marzullo.Source("c", 9, 20),
        new Marzullo.Source("liar1", 12, 14), new Marzullo.Source("liar2", 12, 14));
    Marzullo.Result result = Marzullo.intersect(sources, 3);
    assertThat(result.maxOverlap()).isEqualTo(4);
    assertThat(result.lowMicros()).isEqualTo(9);
    assertThat(result.highMicros()).isEqualTo(14);
    assertThat(result.rejected()).isEmpty();
  }

  @Test
  void disjointLiarIsNamed() {
    Marzullo.Result result = Marzullo.intersect(List.of(
        new Marzullo.Source("n1", 100, 110), new Marzullo.Source("n2", 104, 120),
        new Marzullo.Source("n3", 1_000_100, 1_000_110)), 2);
    assertThat(result.found()).isTrue();
    assertThat(result.lowMicros()).isEqualTo(104);
    assertThat(result.highMicros()).isEqualTo(110);
    assertThat(result.rejected()).containsExactly("n3");
  }

  @Test
  void noMajorityIsNotFound() {
    Marzullo.Result result = Marzullo.intersect(List.of(
        new Marzullo.Source("n1", 0, 10), new Marzullo.Source("n2", 20, 30)), 2);
    assertThat(result.found()).isFalse();
    assertThat(result.maxOverlap()).isEqualTo(1);
  }
}
