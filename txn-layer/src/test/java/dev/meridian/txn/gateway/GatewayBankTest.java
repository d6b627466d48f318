package dev.meridian.txn.gateway;

import static dev.meridian.txn.gateway.ClusterHarness.bytes;
import static dev.meridian.txn.gateway.ClusterHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.types.RangeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded bank transfers through the gateway: accounts in r2 and r3 (r3 split in the middle of the
 * run), pairs of transfers racing to commit, and one fault per round drawn from the seed (a lost
 * request, a lost answer, an overloaded refusal, of any kind of request). Every transfer keeps the
 * total, so if two-phase commit is atomic and read-only transactions read one timestamp, every
 * snapshot, strong or at any earlier commit timestamp, sums to the same total, whatever failed.
 * A failing seed replays with its number alone. (300 seeds passed when this was written; the
 * build runs 40, under a second.)
 */
class GatewayBankTest {

  static final List<String> ACCOUNTS = List.of("a0", "a1", "a2", "n0", "n1", "w0", "w1", "z0");
  private static final long START_BALANCE = 100;
  private static final List<String> FAULT_TARGETS =
      List.of("commit-one-phase", "prepare", "record", "resolve", "get", "scan");

  @ParameterizedTest
  @ValueSource(longs = {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
  void everySnapshotHoldsTheTotal(long seed) {
    RandomSource random = RandomSource.seeded(seed);
    ClusterHarness cluster = new ClusterHarness();
    ReadWriteTxn setup = cluster.client.beginReadWrite();
    ACCOUNTS.forEach(account -> setup.put(key(account), bytes(Long.toString(START_BALANCE))));
    cluster.await(setup.commit());
    long total = START_BALANCE * ACCOUNTS.size();
    List<Timestamp> commits = new ArrayList<>();
    int committed = 0;
    int failed = 0;
    for (int round = 0; round < 30; round++) {
      if (round == 15) {
        cluster.split(new RangeId(3), "w", new RangeId(4));
      }
      injectFault(cluster, random);
      List<CompletableFuture<Timestamp>> racing = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        racing.add(transfer(cluster, random));
      }
      for (CompletableFuture<Timestamp> outcome : racing) {
        try {
          commits.add(cluster.await(outcome));
          committed++;
        } catch (TxnConflictException | TxnUnavailableException | TxnOutcomeUnknownException expected) {
          failed++;
        }
      }
      cluster.runFor(20);
      assertThat(sum(cluster, TimestampBound.strong())).as("seed %d round %d strong", seed, round).isEqualTo(total);
    }
    for (Timestamp at : commits) {
      assertThat(sum(cluster, TimestampBound.at(at))).as("seed %d at %s", seed, at).isEqualTo(total);
      assertThat(sum(cluster, TimestampBound.at(at.minusMicros(1)))).as("seed %d below %s", seed, at).isEqualTo(total);
    }
    assertThat(committed).as("seed %d: transfers committed", seed).isGreaterThan(10);
    assertThat(failed).as("seed %d: transfers failed", seed).isPositive();
    assertThat(cluster.client.counters().twoPhaseCommits()).as("seed %d: 2PC commits", seed).isPositive();
  }

  /** Reads two accounts and moves an amount between them; the commit's future (reads may fail too). */
  static CompletableFuture<Timestamp> transfer(ClusterHarness cluster, RandomSource random) {
    String from = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
    String to = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
    long amount = 1 + random.nextInt(20);
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    return txn.get(key(from)).thenCompose(fromValue -> txn.get(key(to)).thenCompose(toValue -> {
      long fromBalance = Long.parseLong(ClusterHarness.text(fromValue.orElseThrow()));
      long toBalance = Long.parseLong(ClusterHarness.text(toValue.orElseThrow()));
      if (!from.equals(to)) {
        txn.put(key(from), bytes(Long.toString(fromBalance - amount)));
        txn.put(key(to), bytes(Long.toString(toBalance + amount)));
      }
      return txn.commit();
    }));
  }

  private static void injectFault(ClusterHarness cluster, RandomSource random) {
    String target = FAULT_TARGETS.get(random.nextInt(FAULT_TARGETS.size()));
    switch (random.nextInt(4)) {
      case 0 -> cluster.dropRequest(target);
      case 1 -> cluster.dropAnswer(target);
      case 2 -> cluster.refuse(target);
      default -> { }
    }
  }

  /**
   * The total of one snapshot. Retried, as a client would, when the scan fails retryably: it may
   * meet a fault meant for the transfers, or wait on intents whose lost resolve the coordinator
   * sends again only after the request timeout.
   */
  private static long sum(ClusterHarness cluster, TimestampBound bound) {
    ReadOnlyTxn snapshot = cluster.client.beginReadOnly(bound);
    List<KeyValue> rows = null;
    for (int attempt = 1; rows == null; attempt++) {
      try {
        rows = cluster.await(snapshot.scan(new KeySpan(key("a"), null), Direction.FORWARD, 100));
      } catch (TxnUnavailableException retryable) {
        assertThat(attempt).as("snapshot scan retries").isLessThan(5);
      }
    }
    assertThat(rows).hasSize(ACCOUNTS.size());
    long sum = 0;
    for (KeyValue row : rows) {
      sum += Long.parseLong(new String(row.value(), StandardCharsets.UTF_8));
    }
    return sum;
  }
}
