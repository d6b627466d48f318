package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property: a history produced by a database that runs transactions one at a time is always
 * strictly serializable, whatever the seed, size or concurrency; and with stale reads injected it
 * is caught. Seeds come from SplitMix64 so every run checks the same cases and a failure names its
 * seed.
 */
class SerialHistoryPropertyTest {
  @Test
  void serialHistoriesAreAlwaysValid() {
    RandomSource seeds = RandomSource.seeded(42);
    for (int i = 0; i < 200; i++) {
      long seed = seeds.nextLong();
      RandomSource knobs = RandomSource.seeded(seed);
      HistoryGenerator.Config c = new HistoryGenerator.Config(20 + knobs.nextInt(400),
          1 + knobs.nextInt(8), 1 + knobs.nextInt(5), 1 + knobs.nextInt(6), 0, 0);
      List<Op> h = HistoryGenerator.listAppend(seed, c);
      CheckResult r = Checker.check(h,
          CheckOptions.strictSerializable(CheckOptions.Workload.LIST_APPEND));
      assertThat(r.valid()).as("seed " + seed + " " + c + " -> " + r.anomalyTypes())
          .isIn("true", "unknown");
      assertThat(r.anomalyTypes()).as("seed " + seed).allMatch(t -> t.equals(
          "empty-transaction-graph"));
      List<Op> reparsed = HistoryReader.parse(HistoryGenerator.toEdn(h), HistoryReader.Format.EDN);
      assertThat(reparsed).as("EDN round trip, seed " + seed).isEqualTo(h);
    }
  }

  @Test
  void injectedStaleReadsAreCaught() {
    HistoryGenerator.Config c = new HistoryGenerator.Config(5_000, 10, 4, 5, 0.05, 0);
    CheckResult r = Checker.check(HistoryGenerator.listAppend(7, c),
        CheckOptions.strictSerializable(CheckOptions.Workload.LIST_APPEND));
    assertThat(r.valid()).isEqualTo("false");
  }
}
