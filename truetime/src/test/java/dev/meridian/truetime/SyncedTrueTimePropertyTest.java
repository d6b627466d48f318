package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link SyncedTrueTime} on virtual time: honest masters (offset within what they
 * declare), a minority of liars (offset far beyond it, at any sign and size), trips of any length,
 * lost answers that still leave a majority, and a node oscillator drifting within the bound and
 * changing its drift — every interval handed out contains true time, {@code latest} never goes
 * backwards, and after the start-up wait the node is never fenced.
 */
class SyncedTrueTimePropertyTest {

  private static final int TRIES = 300;

  record Scenario(int masters, int liars, List<Long> honestOffsets, List<Long> liarOffsets, long wallOffsetMicros,
      List<Long> drifts, long seed) {}

  @Test
  void everyIntervalContainsTrueTimeAndTheNodeStaysTrusted() {
    PropertyCheck.forAll(TRIES, r -> {
      int masters = Gen.between(r, 1, 7);
      int liars = Gen.between(r, 0, (masters - 1) / 2);
      List<Long> honest = new ArrayList<>();
      for (int i = 0; i < masters - liars; i++) {
        honest.add(Gen.between(r, -900L, 900L));
      }
      List<Long> lying = new ArrayList<>();
      for (int i = 0; i < liars; i++) {
        lying.add((r.chance(0.5) ? 1 : -1) * Gen.between(r, 2_000L, 5_000_000L));
      }
      return new Scenario(masters, liars, honest, lying, Gen.between(r, -5_000L, 5_000L),
          Gen.listOf(r, 20, x -> Gen.between(x, -200L, 200L)), r.nextLong());
    }, s -> {
      SyncHarness h = new SyncHarness();
      for (int i = 0; i < s.honestOffsets().size(); i++) {
        h.addMaster("h" + i, s.honestOffsets().get(i), 1_000);
      }
      for (int i = 0; i < s.liarOffsets().size(); i++) {
        h.addMaster("l" + i, s.liarOffsets().get(i), 1_000);
      }
      h.node.setOffsetMicros(s.wallOffsetMicros());
      SyncedTrueTime tt = h.newTrueTime(new SyncedTrueTime.Config(200, 20_000, 1_000_000, 1_000));
      RandomSource r = RandomSource.seeded(s.seed());
      h.truth.advanceMicros(50_000);
      long lastLatest = Long.MIN_VALUE;
      for (long drift : s.drifts()) {
        h.node.setDriftPpm(drift);
        // Drop at most one honest answer when that still leaves a majority of everyone asked.
        boolean canDrop = s.masters() - s.liars() - 1 >= Marzullo.majorityOf(s.masters());
        String[] silent = canDrop && r.chance(0.3) ? new String[] {"h0"} : new String[0];
        SyncedTrueTime.RoundOutcome round = h.round(tt, Gen.between(r, 0L, 3_000L), Gen.between(r, 0L, 3_000L), silent);
        assertThat(round.fence()).as("round %s", round).isNull();
        assertThat(round.rejected()).noneMatch(name -> name.startsWith("h"));
        for (int probe = 0; probe < 5; probe++) {
          h.truth.advanceMicros(Gen.between(r, 1L, 200_000L));
          TTInterval now = tt.now();
          assertThat(now.contains(h.trueMicros())).as("%s contains %d", now, h.trueMicros()).isTrue();
          assertThat(now.latestMicros()).isGreaterThanOrEqualTo(lastLatest);
          lastLatest = now.latestMicros();
        }
      }
    });
  }
}
