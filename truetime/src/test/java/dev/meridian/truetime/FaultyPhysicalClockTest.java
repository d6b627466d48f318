package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.manual.ManualClock;
import org.junit.jupiter.api.Test;

class FaultyPhysicalClockTest {

  private static final long START_MICROS = 1_700_000_000_000_000L;

  private final ManualClock inner = new ManualClock(START_MICROS);
  private final FaultyPhysicalClock faulty = new FaultyPhysicalClock(inner);

  @Test
  void withoutFaultsReadsTheInnerClock() {
    inner.advanceMicros(1_234);
    assertThat(faulty.wallClockMicros()).isEqualTo(inner.wallClockMicros());
    assertThat(faulty.monotonicNanos()).isEqualTo(inner.monotonicNanos());
  }

  @Test
  void offsetMovesOnlyTheWallClockAndReplacesThePreviousOffset() {
    long mono = faulty.monotonicNanos();
    faulty.setOffsetMicros(700);
    faulty.setOffsetMicros(-300);
    assertThat(faulty.wallClockMicros()).isEqualTo(START_MICROS - 300);
    assertThat(faulty.monotonicNanos()).isEqualTo(mono);
  }

  @Test
  void stepsMoveOnlyTheWallClockAndAccumulate() {
    long mono = faulty.monotonicNanos();
    faulty.stepMicros(5_000);
    faulty.stepMicros(-2_000);
    assertThat(faulty.wallClockMicros()).isEqualTo(START_MICROS + 3_000);
    assertThat(faulty.monotonicNanos()).isEqualTo(mono);
  }

  @Test
  void driftScalesBothClocksFromTheMomentItIsSet() {
    inner.advanceMicros(1_000_000);
    long wallAtSet = faulty.wallClockMicros();
    long monoAtSet = faulty.monotonicNanos();
    faulty.setDriftPpm(200);

    inner.advanceMicros(1_000_000);

    assertThat(faulty.wallClockMicros() - wallAtSet).isEqualTo(1_000_200);
    assertThat(faulty.monotonicNanos() - monoAtSet).isEqualTo(1_000_200_000);
  }

  @Test
  void changingDriftKeepsBothClocksContinuous() {
    faulty.setDriftPpm(-200);
    inner.advanceMicros(1_000_000);
    long wall = faulty.wallClockMicros();
    long mono = faulty.monotonicNanos();
    assertThat(mono - 1_000_000_000L).isEqualTo(999_800_000);

    faulty.setDriftPpm(100);

    assertThat(faulty.wallClockMicros()).isEqualTo(wall);
    assertThat(faulty.monotonicNanos()).isEqualTo(mono);
    inner.advanceMicros(1_000_000);
    assertThat(faulty.monotonicNanos() - mono).isEqualTo(1_000_100_000);
  }

  @Test
  void aVerySlowOscillatorStillNeverRunsBackwards() {
    faulty.setDriftPpm(-999_999);
    long previous = faulty.monotonicNanos();
    for (int i = 0; i < 2_000; i++) {
      inner.advanceNanos(1);
      long mono = faulty.monotonicNanos();
      assertThat(mono).isGreaterThanOrEqualTo(previous);
      previous = mono;
    }
  }

  @Test
  void rejectsADriftThatWouldStopTheOscillator() {
    assertThatThrownBy(() -> faulty.setDriftPpm(-1_000_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
