package dev.meridian.paxos.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.codec.PaxosGen;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.testing.KillableChild;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that persists Paxos state for several groups with SIGKILL at seeded random moments,
 * several times over one data directory, and checks after each kill that each group's durable state
 * is exactly what {@link CrashPlan} says some round at or after its last acknowledged one leaves: so
 * no acknowledged promise, lease vote, entry or commit point is lost (entries below a recovered
 * snapshot excepted), and no persist is half-written. The seed is printed on failure.
 */
class PaxosCrashRecoveryTest {

  private static final int KILLS = 4;

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void acknowledgedStateSurvivesSigkillAndNoPersistIsPartial() throws Exception {
    long seed = 0x9a705_c4a5L;
    RandomSource random = RandomSource.seeded(seed);
    long[] lastAcked = new long[CrashPlan.GROUPS];
    for (int kill = 0; kill < KILLS; kill++) {
      int acksBeforeKill = 20 + random.nextInt(400);
      int acks =
          KillableChild.start(PaxosCrashWorkload.class, dataDir.toString())
              .killAfter(acksBeforeKill, line -> record(line, lastAcked));
      assertThat(acks)
          .as("kill %d (seed %d): child acknowledged persists before the kill", kill, seed)
          .isEqualTo(acksBeforeKill);
      verify(kill, seed, lastAcked);
    }
  }

  private static boolean record(String line, long[] lastAcked) {
    if (!line.startsWith("ACK ")) {
      return false;
    }
    String[] fields = line.split(" ");
    int group = Integer.parseInt(fields[1]);
    long round = Long.parseLong(fields[2]);
    assertThat(round).as("group %d acknowledged out of order", group).isEqualTo(lastAcked[group] + 1);
    lastAcked[group] = round;
    return true;
  }

  private void verify(int kill, long seed, long[] lastAcked) {
    try (RocksMvccEngine engine =
        RocksMvccEngine.open(dataDir, RocksPaxosStorageTest.OPTIONS, new NamedThreadFactory("verify"))) {
      RocksPaxosStorage storage = new RocksPaxosStorage(engine);
      for (int g = 0; g < CrashPlan.GROUPS; g++) {
        String context = "kill " + kill + " (seed " + seed + "), group " + g;
        long round = CrashPlan.recoveredRound(storage, g);
        assertThat(round)
            .as("%s: recovered promise below the last acknowledged one", context)
            .isGreaterThanOrEqualTo(lastAcked[g]);
        // One persist per group is in flight at a time: at most one unacknowledged round is durable.
        assertThat(round).as("%s: recovered a round never persisted", context).isLessThanOrEqualTo(lastAcked[g] + 1);
        // Durable, so the next child goes on from it: acks continue at round + 1.
        lastAcked[g] = round;
        if (round == 0) {
          assertThat(storage.load(CrashPlan.group(g))).as(context).isEmpty();
          continue;
        }
        DurableState actual = storage.load(CrashPlan.group(g)).orElseThrow();
        DurableState expected = CrashPlan.expected(g, round);
        assertThat(actual.hardState()).as(context).isEqualTo(expected.hardState());
        assertThat(PaxosGen.same(actual.snapshot(), expected.snapshot()))
            .as("%s: snapshot %s, expected %s", context, actual.snapshot(), expected.snapshot())
            .isTrue();
        assertThat(actual.applied()).as(context).isEqualTo(expected.applied());
        assertThat(actual.entries().stream().sorted(Comparator.comparing(e -> e.slot())).toList())
            .as("%s: entries after round %d", context, round)
            .containsExactlyElementsOf(expected.entries());
      }
      assertThat(storage.groups()).hasSize((int) Arrays.stream(lastAcked).filter(round -> round > 0).count());
    }
  }
}
