package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CommitWaitTest {

  private static final long START_MICROS = 1_700_000_000_000_000L;
  private static final long SECOND = 1_000_000;

  private final ManualClock manual = new ManualClock(START_MICROS);
  private final ManualScheduler scheduler = new ManualScheduler(manual);
  private final FaultyPhysicalClock faulty = new FaultyPhysicalClock(manual);
  private final LocalTrueTime tt = new LocalTrueTime(faulty, LocalTrueTime.Config.defaults());

  @Test
  void completesAtTheFirstMicrosecondAtWhichAfterHolds() {
    manual.advanceMicros(SECOND);
    long commitTs = tt.now().latestMicros() + 3_000;
    List<Boolean> afterInCallback = new ArrayList<>();
    CompletableFuture<Void> wait = CommitWait.untilAfter(tt, scheduler, commitTs);
    wait.thenRun(() -> afterInCallback.add(tt.after(commitTs)));

    long micros = 0;
    boolean holds = false;
    while (!holds) {
      assertThat(wait).as("done before after(t) holds, at +%d µs", micros).isNotDone();
      scheduler.advanceNanos(1_000);
      micros++;
      holds = tt.after(commitTs);
      assertThat(micros).isLessThan(SECOND);
    }

    assertThat(wait).as("done when after(t) first holds, at +%d µs", micros).isDone();
    assertThat(afterInCallback).containsExactly(true);
    // 3 ms plus both epsilons (1 ms each just after the sync at the first now(), plus drift).
    assertThat(micros).isBetween(5_000L, 5_010L);
  }

  @Test
  void aSyncThatNarrowsTheIntervalMidWaitDelaysCompletionByAtMostTheDriftTerm() {
    tt.now();
    manual.advanceMicros(4_998_000);
    long commitTs = tt.now().latestMicros();
    CompletableFuture<Void> wait = CommitWait.untilAfter(tt, scheduler, commitTs);

    long micros = 0;
    while (!tt.after(commitTs)) {
      scheduler.advanceNanos(1_000);
      micros++;
    }
    long firstHolds = micros;
    while (!wait.isDone()) {
      scheduler.advanceNanos(1_000);
      micros++;
    }

    // The sync at 5 s dropped epsilon from about 2 ms to 1 ms: after(t) held early, the timer sized
    // from the wider interval fired later, by no more than the drift term of one sync period.
    assertThat(micros - firstHolds).isPositive().isLessThanOrEqualTo(1_001);
  }

  @Test
  void aTimestampAlreadyPassedCompletesOnTheNextTaskWithoutMovingTime() {
    long past = tt.now().earliestMicros() - 1;
    long monoBefore = manual.monotonicNanos();

    CompletableFuture<Void> wait = CommitWait.untilAfter(tt, scheduler, past);

    assertThat(wait).isNotDone();
    scheduler.runDue();
    assertThat(wait).isDone();
    assertThat(manual.monotonicNanos()).isEqualTo(monoBefore);
  }

  @Test
  void waitsWhileTheClockIsUnavailableAndCompletesAfterRecovery() {
    long commitTs = tt.now().latestMicros();
    faulty.stepMicros(50_000);
    manual.advanceMicros(5 * SECOND);
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class);
    List<Boolean> afterInCallback = new ArrayList<>();

    CompletableFuture<Void> wait = CommitWait.untilAfter(tt, scheduler, commitTs);
    wait.thenRun(() -> afterInCallback.add(tt.after(commitTs)));

    scheduler.advanceNanos((5 * SECOND - 1) * 1_000);
    assertThat(wait).isNotDone();
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class);
    scheduler.advanceNanos(1_000);
    assertThat(wait).isDone();
    assertThat(afterInCallback).containsExactly(true);
  }

  @Test
  void aCancelledWaitStopsRechecking() {
    long farFuture = tt.now().latestMicros() + 3_600 * SECOND;
    CompletableFuture<Void> wait = CommitWait.untilAfter(tt, scheduler, farFuture);
    scheduler.runDue();
    assertThat(scheduler.pendingTasks()).isEqualTo(1);

    wait.cancel(false);
    scheduler.runNext();

    assertThat(scheduler.pendingTasks()).isZero();
  }
}
