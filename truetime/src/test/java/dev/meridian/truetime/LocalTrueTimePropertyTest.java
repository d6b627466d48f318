package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.manual.ManualClock;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of {@link LocalTrueTime} on virtual time. Each run probes {@code now()} every {@code
 * probeEveryMicros} while it advances, so calls land just before and just after syncs, where the
 * sawtooth drops and a wall clock correction shows.
 */
class LocalTrueTimePropertyTest {

  private static final long START_MICROS = 1_700_000_000_000_000L;

  /** Advance true time, then set the oscillator's drift and step the wall clock. */
  record Step(long advanceMicros, long newDriftPpm, long wallStepMicros) {}

  /**
   * A wall clock off by at most the base uncertainty (as NTP keeps it) next to an oscillator whose
   * drift changes at random within 200 ppm: every interval contains true time, and the clock never
   * becomes unavailable.
   */
  @Property(tries = 200)
  void intervalContainsTrueTime(
      @ForAll @LongRange(min = -1_000, max = 1_000) long wallOffsetMicros,
      @ForAll @LongRange(min = 100, max = 5_000) long probeEveryMicros,
      @ForAll("withinDriftBound") List<Step> steps) {
    ManualClock trueTime = new ManualClock(START_MICROS);
    FaultyPhysicalClock wall = new FaultyPhysicalClock(trueTime);
    wall.setOffsetMicros(wallOffsetMicros);
    FaultyPhysicalClock oscillator = new FaultyPhysicalClock(trueTime);
    LocalTrueTime tt =
        new LocalTrueTime(new SplitClock(wall, oscillator), LocalTrueTime.Config.defaults());
    assertThat(tt.now().contains(trueTime.wallClockMicros())).isTrue();

    for (Step step : steps) {
      for (long left = step.advanceMicros(); left > 0; left -= probeEveryMicros) {
        trueTime.advanceMicros(Math.min(left, probeEveryMicros));
        TTInterval now = tt.now();
        assertThat(now.contains(trueTime.wallClockMicros()))
            .as("%s contains true time %d", now, trueTime.wallClockMicros())
            .isTrue();
      }
      oscillator.setDriftPpm(step.newDriftPpm());
    }
  }

  /**
   * Whatever the clocks do, including wall clock steps far beyond tolerance in either direction and
   * drift beyond the bound, neither end of the interval ever goes backwards across the answers the
   * clock does give, so {@code after(t)} never turns from true to false.
   */
  @Property(tries = 200)
  void neitherEndOfTheIntervalEverGoesBackwards(
      @ForAll @LongRange(min = 100, max = 5_000) long probeEveryMicros,
      @ForAll("withWallSteps") List<Step> steps) {
    ManualClock trueTime = new ManualClock(START_MICROS);
    FaultyPhysicalClock clock = new FaultyPhysicalClock(trueTime);
    LocalTrueTime tt = new LocalTrueTime(clock, LocalTrueTime.Config.defaults());
    TTInterval previous = tt.now();

    for (Step step : steps) {
      for (long left = step.advanceMicros(); left > 0; left -= probeEveryMicros) {
        trueTime.advanceMicros(Math.min(left, probeEveryMicros));
        TTInterval now;
        try {
          now = tt.now();
        } catch (ClockUnavailableException unavailable) {
          continue;
        }
        assertThat(now.latestMicros()).isGreaterThanOrEqualTo(previous.latestMicros());
        assertThat(now.earliestMicros()).isGreaterThanOrEqualTo(previous.earliestMicros());
        previous = now;
      }
      clock.setDriftPpm(step.newDriftPpm());
      clock.stepMicros(step.wallStepMicros());
    }
  }

  @Provide
  Arbitrary<List<Step>> withinDriftBound() {
    return Combinators.combine(
            advances(), Arbitraries.longs().between(-200, 200), Arbitraries.just(0L))
        .as(Step::new)
        .list()
        .ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<Step>> withWallSteps() {
    Arbitrary<Long> wallSteps =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(0L)),
            Tuple.of(3, Arbitraries.longs().between(-2_000, 2_000)),
            Tuple.of(1, Arbitraries.longs().between(-20_000_000, 20_000_000)));
    return Combinators.combine(advances(), Arbitraries.longs().between(-500, 500), wallSteps)
        .as(Step::new)
        .list()
        .ofMaxSize(30);
  }

  /** From a few microseconds to more than a sync period. */
  private static Arbitrary<Long> advances() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, 2_000),
        Arbitraries.longs().between(1, 1_000_000),
        Arbitraries.longs().between(1_000_000, 6_000_000));
  }
}
