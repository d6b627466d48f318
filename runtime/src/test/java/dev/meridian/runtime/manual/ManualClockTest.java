package dev.meridian.runtime.manual;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void advancesOfLessThanAMicrosecondAddUpOnTheWallClock() {
    // A simulated node whose clock drifts schedules timers in odd nanoseconds; the wall clock used to
    // drop each advance's sub-microsecond part and fall ~0.1% behind the monotonic clock.
    ManualClock clock = new ManualClock(5_000_000);
    long mono = clock.monotonicNanos();
    for (int i = 0; i < 1_000; i++) {
      clock.advanceNanos(1_999);
    }
    assertThat(clock.monotonicNanos() - mono).isEqualTo(1_999_000);
    assertThat(clock.wallClockMicros()).isEqualTo(5_000_000 + 1_999);
  }

  @Test
  void wallClockStepsMoveOnlyTheWallClock() {
    ManualClock clock = new ManualClock(5_000_000);
    long mono = clock.monotonicNanos();
    clock.advanceNanos(1_500);
    clock.stepWallClock(-2_000);
    assertThat(clock.wallClockMicros()).isEqualTo(5_000_000 + 1 - 2_000);
    assertThat(clock.monotonicNanos() - mono).isEqualTo(1_500);
    clock.advanceNanos(500);
    assertThat(clock.wallClockMicros()).isEqualTo(5_000_000 + 2 - 2_000);
  }
}
