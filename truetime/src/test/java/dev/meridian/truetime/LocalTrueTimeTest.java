package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.runtime.PhysicalClock;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.truetime.ClockUnavailableException.Reason;
import org.junit.jupiter.api.Test;

/** Scenarios on virtual time; with the defaults: base 1 ms, 200 ppm, sync every 5 s, jump tolerance 1 ms. */
class LocalTrueTimeTest {

  private static final long START_MICROS = 1_700_000_000_000_000L;
  private static final long SECOND = 1_000_000;

  private final ManualClock manual = new ManualClock(START_MICROS);
  private final FaultyPhysicalClock faulty = new FaultyPhysicalClock(manual);
  private final LocalTrueTime tt = new LocalTrueTime(faulty, LocalTrueTime.Config.defaults());

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(LocalTrueTime.Config.defaults())
        .isEqualTo(new LocalTrueTime.Config(1_000, 200, 5_000_000, 100_000, 1_000));
  }

  @Test
  void firstCallSyncsWithBaseUncertaintyAroundTheWallClock() {
    assertThat(tt.now()).isEqualTo(new TTInterval(START_MICROS - 1_000, START_MICROS + 1_000));
    assertThat(tt.epsilonMicros()).isEqualTo(1_000);
    assertThat(tt.lastSyncMonotonicNanos()).isEqualTo(manual.monotonicNanos());
  }

  @Test
  void epsilonGrowsAt200PpmBetweenSyncsAndDropsToBaseAtEachSync() {
    tt.now();
    for (int period = 0; period < 3; period++) {
      long syncMono = manual.monotonicNanos();
      for (int ms = 500; ms < 5_000; ms += 500) {
        manual.advanceMicros(500_000);
        TTInterval now = tt.now();
        long elapsedMicros = ms * 1_000L;
        // 200 ppm of the elapsed time (the ρ/(1-ρ) correction adds 0.02%), plus 1 µs of rounding.
        assertThat(now.epsilonMicros() - 1_000)
            .isBetween(elapsedMicros * 200 / 1_000_000, elapsedMicros * 200 / 1_000_000 + 2);
        assertThat(now.contains(manual.wallClockMicros())).isTrue();
        assertThat(tt.lastSyncMonotonicNanos()).isEqualTo(syncMono);
      }
      manual.advanceMicros(500_000);
      TTInterval atSync = tt.now();
      assertThat(atSync.epsilonMicros()).isEqualTo(1_000);
      assertThat(atSync.contains(manual.wallClockMicros())).isTrue();
      assertThat(tt.lastSyncMonotonicNanos()).isEqualTo(manual.monotonicNanos());
    }
  }

  @Test
  void afterAndBeforeAreStrictAtTheEdgesOfTheInterval() {
    TTInterval now = tt.now();
    assertThat(tt.after(now.earliestMicros() - 1)).isTrue();
    assertThat(tt.after(now.earliestMicros())).isFalse();
    assertThat(tt.after(now.latestMicros())).isFalse();
    assertThat(tt.before(now.latestMicros() + 1)).isTrue();
    assertThat(tt.before(now.latestMicros())).isFalse();
    assertThat(tt.before(now.earliestMicros())).isFalse();
  }

  @Test
  void epsilonAboveMaxIsUnavailableUntilTheNextSync() {
    LocalTrueTime tight =
        new LocalTrueTime(manual, new LocalTrueTime.Config(1_000, 200, 5 * SECOND, 1_500, 1_000));
    tight.now();
    manual.advanceMicros(2_400_000);
    assertThat(tight.now().epsilonMicros()).isLessThanOrEqualTo(1_500);

    manual.advanceMicros(200_000);
    ClockUnavailableException unavailable =
        catchThrowableOfType(ClockUnavailableException.class, tight::now);
    assertThat(unavailable.reason()).isEqualTo(Reason.EPSILON_ABOVE_MAX);
    assertThat(unavailable.retryAfterMicros()).isEqualTo(2_400_000);
    assertThat(unavailable.getMessage()).contains("1500", "may be retried");
    assertThatThrownBy(() -> tight.after(0)).isInstanceOf(ClockUnavailableException.class);

    manual.advanceMicros(2_399_999);
    assertThatThrownBy(tight::now).isInstanceOf(ClockUnavailableException.class);
    manual.advanceMicros(1);
    assertThat(tight.now().epsilonMicros()).isEqualTo(1_000);
  }

  @Test
  void aStepWithinToleranceIsNotAJump() {
    tt.now();
    manual.advanceMicros(SECOND);
    faulty.stepMicros(1_500);
    manual.advanceMicros(4 * SECOND);

    TTInterval atSync = tt.now();

    assertThat(atSync.epsilonMicros()).isEqualTo(1_000);
    assertThat(atSync.earliestMicros()).isEqualTo(manual.wallClockMicros() + 1_500 - 1_000);
  }

  @Test
  void aForwardStepIsDetectedAtTheNextSyncAndRecoversAfterOneCleanPeriod() {
    tt.now();
    manual.advanceMicros(SECOND);
    TTInterval beforeStep = tt.now();
    faulty.stepMicros(50_000);

    // Between syncs the wall clock is not read: the step is not yet visible.
    manual.advanceMicros(3 * SECOND);
    assertThat(tt.now().contains(manual.wallClockMicros())).isTrue();

    manual.advanceMicros(SECOND);
    ClockUnavailableException jump = catchThrowableOfType(ClockUnavailableException.class, tt::now);
    assertThat(jump.reason()).isEqualTo(Reason.CLOCK_JUMP);
    assertThat(jump.getMessage()).contains("wall clock moved 5050000 µs", "may be retried");
    assertThat(jump.retryAfterMicros()).isEqualTo(5 * SECOND);

    manual.advanceMicros(5 * SECOND - 1);
    assertThatThrownBy(tt::now)
        .isInstanceOf(ClockUnavailableException.class)
        .hasMessageContaining("recovering from");
    manual.advanceMicros(1);
    TTInterval recovered = tt.now();
    assertThat(recovered)
        .isEqualTo(
            new TTInterval(
                manual.wallClockMicros() + 50_000 - 1_000,
                manual.wallClockMicros() + 50_000 + 1_000));
    assertThat(recovered.latestMicros()).isGreaterThan(beforeStep.latestMicros());
  }

  @Test
  void aSecondJumpDuringQuarantineRestartsTheCleanPeriod() {
    tt.now();
    faulty.stepMicros(-20_000);
    manual.advanceMicros(5 * SECOND);
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class);

    manual.advanceMicros(3 * SECOND);
    faulty.stepMicros(20_000);
    manual.advanceMicros(2 * SECOND);
    // Five seconds after the first detection, but the clock was not clean throughout.
    ClockUnavailableException again =
        catchThrowableOfType(ClockUnavailableException.class, tt::now);
    assertThat(again.getMessage()).contains("wall clock moved");
    assertThat(again.retryAfterMicros()).isEqualTo(5 * SECOND);

    manual.advanceMicros(5 * SECOND);
    assertThat(tt.now().contains(manual.wallClockMicros())).isTrue();
  }

  @Test
  void afterABackwardStepRecoveryWaitsUntilTheWallClockCatchesUpWithThePromisedLatest() {
    tt.now();
    manual.advanceMicros(4 * SECOND);
    TTInterval promised = tt.now();
    faulty.stepMicros(-8 * SECOND);
    manual.advanceMicros(SECOND);
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class);

    manual.advanceMicros(5 * SECOND);
    ClockUnavailableException behind =
        catchThrowableOfType(ClockUnavailableException.class, tt::now);
    assertThat(behind.getMessage()).contains("behind the latest time already handed out");
    long wallNow = faulty.wallClockMicros();
    assertThat(behind.retryAfterMicros())
        .isEqualTo(promised.latestMicros() - (wallNow + 1_000))
        .isPositive();

    manual.advanceMicros(behind.retryAfterMicros() - 1);
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class);
    manual.advanceMicros(1);
    TTInterval recovered = tt.now();
    assertThat(recovered.latestMicros()).isEqualTo(promised.latestMicros());
    assertThat(recovered.earliestMicros()).isGreaterThanOrEqualTo(promised.earliestMicros());
    assertThat(recovered.epsilonMicros()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void latestAndEarliestAreClampedAcrossASmallBackwardCorrection() {
    faulty.setDriftPpm(200);
    tt.now();
    // Just under one sync period on the fast oscillator (4,999,999.8 µs).
    manual.advanceMicros(4_999_000);
    TTInterval beforeSync = tt.now();
    // The fast oscillator ran 1 ms ahead; the sync pulls the estimate back and shrinks epsilon, so the
    // unclamped latest would drop by about 2 ms.
    faulty.setDriftPpm(0);
    faulty.stepMicros(-999);
    manual.advanceMicros(1);

    TTInterval atSync = tt.now();

    assertThat(atSync.latestMicros()).isEqualTo(beforeSync.latestMicros());
    assertThat(atSync.earliestMicros()).isGreaterThanOrEqualTo(beforeSync.earliestMicros());
  }

  @Test
  void aMonotonicClockThatGoesBackwardsIsTreatedAsAJump() {
    long[] mono = {1_000_000_000L};
    PhysicalClock broken =
        new PhysicalClock() {
          @Override
          public long wallClockMicros() {
            return START_MICROS + (mono[0] - 1_000_000_000L) / 1_000;
          }

          @Override
          public long monotonicNanos() {
            return mono[0];
          }
        };
    LocalTrueTime onBroken = new LocalTrueTime(broken, LocalTrueTime.Config.defaults());
    mono[0] += 2_000_000_000L;
    onBroken.now();
    mono[0] -= 1_000;

    ClockUnavailableException regression =
        catchThrowableOfType(ClockUnavailableException.class, onBroken::now);

    assertThat(regression.reason()).isEqualTo(Reason.CLOCK_JUMP);
    assertThat(regression.getMessage()).contains("monotonic clock went backwards by 1000 ns");
  }

  @Test
  void configRejectsAMaximumBelowTheBaseUncertainty() {
    assertThatThrownBy(() -> new LocalTrueTime.Config(1_000, 200, 5 * SECOND, 999, 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEpsilonMicros");
  }
}
