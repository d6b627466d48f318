package dev.meridian.sim.clock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node's loop: timers at the node's clock rate, nothing of a killed process runs. */
class SimNodeSchedulerTest {

  private final ManualClock truth = new ManualClock(1_700_000_000_000_000L);
  private final ManualScheduler queue = new ManualScheduler(truth);

  private SimClock clock(long driftPpm) {
    return new SimClock(truth, 1_000, 0, driftPpm, RandomSource.seeded(3), false, null, false);
  }

  @Test
  void aFastClockFiresItsTimersEarlyInTrueTime() {
    SimNodeScheduler fast = new SimNodeScheduler(queue, clock(200));
    SimNodeScheduler exact = new SimNodeScheduler(queue, clock(0));
    List<String> fired = new ArrayList<>();
    long start = truth.monotonicNanos();
    exact.schedule(1_000_000_000, () -> fired.add("exact at " + (truth.monotonicNanos() - start)));
    fast.schedule(1_000_000_000, () -> fired.add("fast at " + (truth.monotonicNanos() - start)));
    queue.runUntilIdle();
    // 1 s on a clock 200 ppm fast is 1 s / 1.0002 of true time.
    assertThat(fired).containsExactly("fast at 999800039", "exact at 1000000000");
  }

  @Test
  void aKilledProcessRunsNothingMoreAndExecuteKeepsSubmissionOrder() {
    SimNodeScheduler loop = new SimNodeScheduler(queue, clock(0));
    List<String> ran = new ArrayList<>();
    loop.execute(() -> ran.add("a"));
    loop.execute(() -> ran.add("b"));
    loop.schedule(5_000, () -> ran.add("later"));
    queue.runNext();
    queue.runNext();
    loop.kill();
    loop.execute(() -> ran.add("after death"));
    queue.runUntilIdle();
    assertThat(ran).containsExactly("a", "b");
    assertThat(loop.alive()).isFalse();
  }
}
