package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link LocalTrueTime} on virtual time. Each run probes {@code now()} every {@code
 * probeEveryMicros} while it advances, so calls land just before and just after syncs, where the
 * sawtooth drops and a wall clock correction shows.
 */
class LocalTrueTimePropertyTest {

  private static final long START_MICROS = 1_700_000_000_000_000L;
  private static final int TRIES = 200;

  /** Advance true time, then set the oscillator's drift and step the wall clock. */
  record Step(long advanceMicros, long newDriftPpm, long wallStepMicros) {}

  record Scenario(long wallOffsetMicros, long probeEveryMicros, List<Step> steps) {}

  /**
   * A wall clock off by at most the base uncertainty (as NTP keeps it) next to an oscillator whose
   * drift changes at random within 200 ppm: every interval contains true time, and the clock never
   * becomes unavailable.
   */
  @Test
  void intervalContainsTrueTime() {
    PropertyCheck.forAll(
        TRIES,
        random ->
            new Scenario(
                Gen.between(random, -1_000L, 1_000L),
                Gen.between(random, 100L, 5_000L),
                Gen.listOf(
                    random,
                    30,
                    r -> new Step(advance(r), Gen.between(r, -200L, 200L), 0))),
        scenario -> {
          ManualClock trueTime = new ManualClock(START_MICROS);
          FaultyPhysicalClock wall = new FaultyPhysicalClock(trueTime);
          wall.setOffsetMicros(scenario.wallOffsetMicros());
          FaultyPhysicalClock oscillator = new FaultyPhysicalClock(trueTime);
          LocalTrueTime tt =
              new LocalTrueTime(new SplitClock(wall, oscillator), LocalTrueTime.Config.defaults());
          assertThat(tt.now().contains(trueTime.wallClockMicros())).isTrue();

          for (Step step : scenario.steps()) {
            for (long left = step.advanceMicros(); left > 0; left -= scenario.probeEveryMicros()) {
              trueTime.advanceMicros(Math.min(left, scenario.probeEveryMicros()));
              TTInterval now = tt.now();
              assertThat(now.contains(trueTime.wallClockMicros()))
                  .as("%s contains true time %d", now, trueTime.wallClockMicros())
                  .isTrue();
            }
            oscillator.setDriftPpm(step.newDriftPpm());
          }
        });
  }

  /**
   * Whatever the clocks do, including wall clock steps far beyond tolerance in either direction and
   * drift beyond the bound, neither end of the interval ever goes backwards across the answers the
   * clock does give, so {@code after(t)} never turns from true to false.
   */
  @Test
  void neitherEndOfTheIntervalEverGoesBackwards() {
    PropertyCheck.forAll(
        TRIES,
        random ->
            new Scenario(
                0,
                Gen.between(random, 100L, 5_000L),
                Gen.listOf(
                    random,
                    30,
                    r -> new Step(advance(r), Gen.between(r, -500L, 500L), wallStep(r)))),
        scenario -> {
          ManualClock trueTime = new ManualClock(START_MICROS);
          FaultyPhysicalClock clock = new FaultyPhysicalClock(trueTime);
          LocalTrueTime tt = new LocalTrueTime(clock, LocalTrueTime.Config.defaults());
          TTInterval previous = tt.now();

          for (Step step : scenario.steps()) {
            for (long left = step.advanceMicros(); left > 0; left -= scenario.probeEveryMicros()) {
              trueTime.advanceMicros(Math.min(left, scenario.probeEveryMicros()));
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
        });
  }

  /** Mostly none, sometimes a small correction, rarely a step far beyond tolerance. */
  private static long wallStep(RandomSource random) {
    int pick = random.nextInt(10);
    if (pick < 6) {
      return 0;
    }
    return pick < 9
        ? Gen.between(random, -2_000L, 2_000L)
        : Gen.between(random, -20_000_000L, 20_000_000L);
  }

  /** From a few microseconds to more than a sync period. */
  private static long advance(RandomSource random) {
    return switch (random.nextInt(3)) {
      case 0 -> Gen.between(random, 1L, 2_000L);
      case 1 -> Gen.between(random, 1L, 1_000_000L);
      default -> Gen.between(random, 1_000_000L, 6_000_000L);
    };
  }
}
