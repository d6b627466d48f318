package dev.meridian.txn.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.testing.KillableChild;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a committing process with SIGKILL at a random moment, several times over one data directory,
 * and checks after each kill that every acknowledged transaction is present in full and that no
 * transaction is partly applied. The kill moments come from a seed printed on failure.
 */
class CrashRecoveryTest {

  private static final int ROUNDS = 3;
  private static final int CLIENTS = 4;
  private static final long TXN_NUMBERS_PER_ROUND = 10_000_000L;

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void acknowledgedCommitsSurviveSigkillAndNoneIsPartial() throws Exception {
    long seed = 0x5eed_c0ffeeL;
    RandomSource random = RandomSource.seeded(seed);
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    for (int round = 0; round < ROUNDS; round++) {
      int acksBeforeKill = 20 + random.nextInt(200);
      int acksThisRound =
          KillableChild.start(
                  CrashWorkload.class,
                  dataDir.toString(),
                  Long.toString(round * TXN_NUMBERS_PER_ROUND + 1),
                  Integer.toString(CLIENTS))
              .killAfter(acksBeforeKill, line -> {
                if (!line.startsWith("ACK ")) {
                  return false;
                }
                acknowledged.add(Long.parseLong(line.substring(4)));
                return true;
              });
      assertThat(acksThisRound)
          .as("round %d (seed %d): child acknowledged commits before the kill", round, seed)
          .isEqualTo(acksBeforeKill);
      verify(round, seed, acknowledged);
    }
  }

  private void verify(int round, long seed, Set<Long> acknowledged) {
    try (RocksMvccEngine engine =
        RocksMvccEngine.open(dataDir, RocksMvccEngine.Options.defaults(), new NamedThreadFactory("verify"))) {
      List<Version> parts =
          engine.scan(KeySpan.prefix(Key.utf8("txn/")), Timestamp.MAX, Direction.FORWARD, Integer.MAX_VALUE);
      Map<Long, Set<Integer>> partsByTxn = new TreeMap<>();
      for (Version version : parts) {
        String[] fields = new String(version.key().toByteArray(), StandardCharsets.UTF_8).split("/");
        long txn = Long.parseLong(fields[1]);
        assertThat(CrashWorkload.decode(version.value())).isEqualTo(txn);
        partsByTxn.computeIfAbsent(txn, t -> new HashSet<>()).add(Integer.parseInt(fields[2]));
      }
      for (Map.Entry<Long, Set<Integer>> entry : partsByTxn.entrySet()) {
        assertThat(entry.getValue())
            .as("round %d (seed %d): transaction %d is partly applied", round, seed, entry.getKey())
            .hasSize(CrashWorkload.PARTS);
      }
      for (long txn : acknowledged) {
        assertThat(partsByTxn)
            .as("round %d (seed %d): acknowledged transaction %d was lost", round, seed, txn)
            .containsKey(txn);
      }
      long total = 0;
      for (int a = 0; a < CrashWorkload.ACCOUNTS; a++) {
        total +=
            CrashWorkload.decode(
                engine.get(CrashWorkload.account(a), Timestamp.MAX).orElseThrow().value());
      }
      assertThat(total)
          .as("round %d (seed %d): transfers must neither create nor destroy money", round, seed)
          .isEqualTo(CrashWorkload.ACCOUNTS * CrashWorkload.INITIAL_BALANCE);
      assertThat(partsByTxn.size()).isGreaterThanOrEqualTo(acknowledged.size());
    }
  }
}
