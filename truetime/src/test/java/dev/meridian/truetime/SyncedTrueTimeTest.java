package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.truetime.ClockUnavailableException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenario tests of {@link SyncedTrueTime} on virtual time ({@link SyncHarness}). */
class SyncedTrueTimeTest {

  /** 200 ppm, 20 ms max epsilon, 1 s polls, 1 ms jump tolerance. */
  private static final SyncedTrueTime.Config CONFIG = new SyncedTrueTime.Config(200, 20_000, 1_000_000, 1_000);

  private SyncHarness h;

  @BeforeEach
  void cluster() {
    h = new SyncHarness();
    h.addMaster("m1", 300, 500);
    h.addMaster("m2", -200, 500);
    h.addMaster("m3", 0, 500);
  }

  private static SyncHarness threeMasters(long offsetMicros, long declaredMicros) {
    SyncHarness harness = new SyncHarness();
    for (String name : new String[] {"a", "b", "c"}) {
      harness.addMaster(name, offsetMicros, declaredMicros);
    }
    return harness;
  }

  private static Reason reasonOf(SyncedTrueTime tt) {
    try {
      tt.now();
      return null;
    } catch (ClockUnavailableException e) {
      return e.reason();
    }
  }

  private void assertContainsTruth(TTInterval interval) {
    assertThat(interval.contains(h.trueMicros())).as("%s contains %d", interval, h.trueMicros()).isTrue();
  }

  @Test
  void fencedUntilFirstMajorityAndTheStartupWait() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    assertThat(reasonOf(tt)).isEqualTo(Reason.NOT_SYNCED);
    SyncedTrueTime.RoundOutcome first = h.round(tt, 100, 100);
    assertThat(first.synced()).isTrue();
    assertThat(first.fence()).isNull();
    // Synced, but not 2·max-epsilon (40 ms) of true time after start yet.
    assertThatThrownBy(tt::now).isInstanceOf(ClockUnavailableException.class)
        .hasMessageContaining("waiting out 40000 µs");
    h.truth.advanceMicros(40_100);
    assertContainsTruth(tt.now());
  }

  @Test
  void sawtoothGrowsByTheDriftBoundAndDropsAtEachSync() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    SyncedTrueTime.RoundOutcome round = h.round(tt, 100, 100);
    // Masters m1 [+300±500] and m2 [−200±500] and m3 [0±500] overlap in [−200, +300] (widened by trips).
    long afterSync = tt.now().epsilonMicros();
    assertThat(afterSync).isEqualTo(round.syncEpsilonMicros());
    assertThat(afterSync).isBetween(250L, 700L);
    h.truth.advanceMicros(1_000_000);
    long beforeNextSync = tt.now().epsilonMicros();
    // 1 s at 200 ppm: 200 µs more (rounded outwards, so at most one or two more).
    assertThat(beforeNextSync - afterSync).isBetween(199L, 202L);
    h.round(tt, 100, 100);
    assertThat(tt.now().epsilonMicros()).isLessThan(beforeNextSync);
    assertContainsTruth(tt.now());
  }

  @Test
  void aLyingMinorityIsOutvotedAndNamed() {
    h.addMaster("liar1", 5_000_000, 10);
    h.addMaster("liar2", 5_000_000, 10);
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    SyncedTrueTime.RoundOutcome round = h.round(tt, 100, 100);
    assertThat(round.synced()).isTrue();
    assertThat(round.fence()).isNull();
    assertThat(round.rejected()).containsExactly("liar1", "liar2");
    assertContainsTruth(tt.now());
    assertThat(tt.stats().rejectedByMaster()).containsEntry("liar1", 1L).containsEntry("liar2", 1L);
  }

  /**
   * Found by the simulator (seed 55): one liar just outside its declaration, overlapping an honest
   * master, and the other honest master's answer lost. Two of three answers "agree", but one of them
   * lies; a quorum of a majority of the masters asked would trust their overlap, which misses true
   * time. The quorum must discount the liars that may be among the answers.
   */
  @Test
  void aLiarAmongTheAnswersWhenAnHonestMasterIsSilentCannotMoveTheInterval() {
    SyncHarness near = new SyncHarness();
    near.addMaster("honest1", 0, 500);
    near.addMaster("honest2", 0, 500);
    near.addMaster("liar", 1_500, 500);
    SyncedTrueTime tt = near.newTrueTime(CONFIG);
    near.truth.advanceMicros(50_000);
    SyncedTrueTime.RoundOutcome round = near.round(tt, 10, 10, "honest2");
    assertThat(round.fence()).isNull();
    TTInterval now = tt.now();
    assertThat(now.contains(near.trueMicros())).as("%s contains %d", now, near.trueMicros()).isTrue();
  }

  /** Several answers of one master in a round: the narrowest counts, once (not as several votes). */
  @Test
  void theFastestOfAMastersAnswersCountsOnce() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    java.util.List<TimeSample> samples = new java.util.ArrayList<>();
    for (long trip : new long[] {30_000, 100, 8_000}) {
      for (SyncHarness.Master master : h.masters) {
        long send = h.node.monotonicNanos();
        h.truth.advanceMicros(trip / 2);
        long wall = master.clock().wallClockMicros();
        h.truth.advanceMicros(trip / 2);
        samples.add(new TimeSample(master.name(), send, h.node.monotonicNanos(), wall, master.declaredMicros()));
      }
    }
    SyncedTrueTime.RoundOutcome round = tt.onSyncRound(samples, java.util.List.of());
    assertThat(round.fence()).isNull();
    // Trips of 100 µs, not 30 ms: the overlap of [±500] intervals a few hundred µs wide.
    assertThat(round.syncEpsilonMicros()).isLessThan(1_000);
    assertContainsTruth(tt.now());
    // Three samples of one master are one vote: two masters silent is no majority.
    java.util.List<TimeSample> oneMaster = samples.stream().filter(x -> x.master().equals("m1")).toList();
    assertThat(tt.onSyncRound(oneMaster, java.util.List.of("m2", "m3")).fence()).isEqualTo(Reason.NO_MAJORITY);
  }

  @Test
  void noMajorityFencesAndTheNextGoodRoundLiftsIt() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    h.round(tt, 100, 100);
    assertContainsTruth(tt.now());
    h.truth.advanceMicros(1_000_000);
    SyncedTrueTime.RoundOutcome lost = h.round(tt, 100, 100, "m1", "m2");
    assertThat(lost.synced()).isFalse();
    assertThat(lost.fence()).isEqualTo(Reason.NO_MAJORITY);
    assertThat(lost.detail()).contains("1 of 3 time masters answered", "no answer from m1, m2");
    assertThat(reasonOf(tt)).isEqualTo(Reason.NO_MAJORITY);
    assertThat(tt.state().trusted()).isFalse();
    h.truth.advanceMicros(1_000_000);
    assertThat(h.round(tt, 100, 100, "m1").fence()).isNull();
    assertContainsTruth(tt.now());
    assertThat(tt.state().trusted()).isTrue();
  }

  @Test
  void aSteppedWallClockFencesUntilRemovedAndThenOneCleanRound() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    h.round(tt, 100, 100);
    TTInterval before = tt.now();
    h.truth.advanceMicros(500_000);
    h.node.setOffsetMicros(1_000_000);
    // The estimate never used the wall clock: still right until the round notices.
    assertContainsTruth(tt.now());
    h.truth.advanceMicros(500_000);
    SyncedTrueTime.RoundOutcome jump = h.round(tt, 100, 100);
    assertThat(jump.fence()).isEqualTo(Reason.CLOCK_JUMP);
    assertThat(jump.detail()).contains("wall clock moved");
    h.truth.advanceMicros(1_000_000);
    SyncedTrueTime.RoundOutcome offset = h.round(tt, 100, 100);
    assertThat(offset.fence()).isEqualTo(Reason.WALL_CLOCK_OFFSET);
    assertThat(offset.detail()).contains("ahead of the masters' time");
    h.truth.advanceMicros(1_000_000);
    h.node.setOffsetMicros(0);
    assertThat(h.round(tt, 100, 100).fence()).isEqualTo(Reason.CLOCK_JUMP);
    h.truth.advanceMicros(1_000_000);
    assertThat(h.round(tt, 100, 100).fence()).isNull();
    TTInterval after = tt.now();
    assertContainsTruth(after);
    assertThat(after.latestMicros()).isGreaterThanOrEqualTo(before.latestMicros());
    assertThat(tt.stats().fencesByReason()).containsEntry(Reason.CLOCK_JUMP, 2L)
        .containsEntry(Reason.WALL_CLOCK_OFFSET, 1L);
  }

  @Test
  void anOscillatorBeyondTheDriftBoundIsCaughtAtTheNextRound() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    h.round(tt, 100, 100);
    h.node.setDriftPpm(5_000);
    h.truth.advanceMicros(1_000_000);
    SyncedTrueTime.RoundOutcome round = h.round(tt, 100, 100);
    assertThat(round.fence()).isEqualTo(Reason.DRIFT_EXCEEDED);
    assertThat(round.detail()).contains("broke its 200 ppm bound");
    assertThat(reasonOf(tt)).isEqualTo(Reason.DRIFT_EXCEEDED);
  }

  @Test
  void epsilonAboveTheMaximumWhenRoundsStop() {
    SyncedTrueTime tt = h.newTrueTime(CONFIG);
    h.truth.advanceMicros(50_000);
    h.round(tt, 100, 100);
    // 20 ms of epsilon at 200 ppm: about 97 s without a round.
    h.truth.advanceMicros(95_000_000);
    assertContainsTruth(tt.now());
    h.truth.advanceMicros(5_000_000);
    assertThat(reasonOf(tt)).isEqualTo(Reason.EPSILON_ABOVE_MAX);
    h.round(tt, 100, 100);
    assertContainsTruth(tt.now());
  }

  @Test
  void mastersThatAgreeOnlyLooselyFence() {
    SyncHarness loose = threeMasters(0, 30_000);
    SyncedTrueTime tt = loose.newTrueTime(CONFIG);
    loose.truth.advanceMicros(50_000);
    assertThat(loose.round(tt, 100, 100).fence()).isEqualTo(Reason.EPSILON_ABOVE_MAX);
  }

  /**
   * A restart must not hand out a {@code latest} below one the previous process handed out. The old
   * process saw a wide, high interval (masters honest but +19 ms within ±19.5 ms); the new one sees
   * tight masters. Without the start-up wait the new {@code latest} would be about 38 ms lower.
   */
  @Test
  void latestDoesNotGoBackwardsAcrossARestart() {
    SyncHarness wide = threeMasters(19_000, 19_500);
    SyncedTrueTime old = wide.newTrueTime(CONFIG);
    wide.truth.advanceMicros(50_000);
    wide.round(old, 10, 10);
    long oldLatest = old.now().latestMicros();
    // The process dies; the masters tighten; a new process starts at once.
    wide.masters.clear();
    for (String name : new String[] {"a", "b", "c"}) {
      wide.addMaster(name, 0, 10);
    }
    SyncedTrueTime restarted = wide.newTrueTime(CONFIG);
    wide.round(restarted, 10, 10);
    assertThat(reasonOf(restarted)).isEqualTo(Reason.NOT_SYNCED);
    while (reasonOf(restarted) != null) {
      wide.truth.advanceMicros(1_000);
    }
    assertThat(restarted.now().latestMicros()).isGreaterThanOrEqualTo(oldLatest);
  }
}
