package dev.meridian.txn.gateway;

import static dev.meridian.txn.gateway.ClusterHarness.bytes;
import static dev.meridian.txn.gateway.ClusterHarness.key;
import static dev.meridian.txn.gateway.ClusterHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnLimitException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gateway end to end over {@link ClusterHarness}: real leaseholder cores and range state
 * machines behind a fake channel, the real coordinator, directory cache and meta lookups in front.
 */
class GatewayTest {

  private final ClusterHarness cluster = new ClusterHarness();

  private Timestamp write(String... keyValues) {
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    for (int i = 0; i < keyValues.length; i += 2) {
      txn.put(key(keyValues[i]), bytes(keyValues[i + 1]));
    }
    return cluster.await(txn.commit());
  }

  private Optional<String> readLatest(String key) {
    ReadOnlyTxn txn = cluster.client.beginReadOnly(TimestampBound.strong());
    return cluster.await(txn.get(key(key))).map(ClusterHarness::text);
  }

  /** Requests sent whose trace label contains {@code part} (answers and losses not counted). */
  private long count(String part) {
    return cluster.trace.stream().filter(line -> !line.startsWith(" ") && line.contains(part)).count();
  }

  @Test
  void oneRangeTransactionTakesTheFastPath() {
    Timestamp commitTs = write("a", "1", "b", "2");

    assertThat(cluster.client.counters().fastPathCommits()).isEqualTo(1);
    assertThat(cluster.client.counters().twoPhaseCommits()).isZero();
    // One meta read found r2 (and prefetched the rest); the commit needed no other lookup.
    assertThat(cluster.gateway.stats().metaScans()).isEqualTo(1);
    assertThat(count("commit-one-phase")).isEqualTo(1);
    assertThat(count("prepare")).isZero();
    // Commit wait: the answer came only once true time had passed the commit timestamp.
    assertThat(cluster.trueTime.now().earliestMicros()).isGreaterThan(commitTs.micros());
    assertThat(readLatest("a")).contains("1");
    assertThat(readLatest("b")).contains("2");
  }

  @Test
  void readYourOwnWritesAndReadSetAcrossRanges() {
    write("a", "1", "n", "1");
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    assertThat(cluster.await(txn.get(key("a")))).map(ClusterHarness::text).contains("1");
    txn.put(key("a"), bytes("2"));
    txn.delete(key("n"));
    assertThat(cluster.await(txn.get(key("a")))).map(ClusterHarness::text).contains("2");
    assertThat(cluster.await(txn.get(key("n")))).isEmpty();
    assertThat(cluster.await(txn.getAll(List.of(key("a"), key("n"), key("zz")))))
        .extracting(v -> v.map(ClusterHarness::text)).containsExactly(Optional.of("2"), Optional.empty(), Optional.empty());
    cluster.await(txn.commit());

    assertThat(readLatest("a")).contains("2");
    assertThat(readLatest("n")).isEmpty();
  }

  @Test
  void twoRangeTransactionCommitsWithTwoPhaseCommit() {
    Timestamp commitTs = write("a", "1", "n", "2");

    assertThat(cluster.client.counters().twoPhaseCommits()).isEqualTo(1);
    assertThat(count("r2@n1 prepare")).isEqualTo(1);
    assertThat(count("r3@n1 prepare")).isEqualTo(1);
    // The coordinator range is the range of the smallest written key, and holds the record.
    assertThat(count("coord r2")).isEqualTo(count("prepare"));
    assertThat(count("r2@n1 record")).isEqualTo(1);
    cluster.runFor(10);
    assertThat(count("resolve")).isEqualTo(2);
    assertThat(cluster.trueTime.now().earliestMicros()).isGreaterThan(commitTs.micros());
    assertThat(readLatest("a")).contains("1");
    assertThat(readLatest("n")).contains("2");
    // Both halves are visible at the commit timestamp and neither just below it.
    ReadOnlyTxn before = cluster.client.beginReadOnly(TimestampBound.at(commitTs.minusMicros(1)));
    assertThat(cluster.await(before.get(key("a")))).isEmpty();
    assertThat(cluster.await(before.get(key("n")))).isEmpty();
    ReadOnlyTxn at = cluster.client.beginReadOnly(TimestampBound.at(commitTs));
    assertThat(cluster.await(at.get(key("a")))).isPresent();
    assertThat(cluster.await(at.get(key("n")))).isPresent();
  }

  @Test
  void aConflictOnTheFastPathIsRetryable40001AndAppliesNothing() {
    write("a", "0");
    ReadWriteTxn loser = cluster.client.beginReadWrite();
    cluster.await(loser.get(key("a")));
    write("a", "winner");
    loser.put(key("a"), bytes("loser"));
    loser.put(key("b"), bytes("loser"));

    Throwable failure = cluster.awaitFailure(loser.commit());

    assertThat(failure).isInstanceOf(TxnConflictException.class);
    assertThat(((TxnException) failure).isRetryable()).isTrue();
    assertThat(((TxnConflictException) failure).key()).contains(key("a"));
    assertThat(readLatest("a")).contains("winner");
    assertThat(readLatest("b")).isEmpty();
  }

  @Test
  void aConflictAtOneParticipantAbortsEveryParticipantWith40001() {
    write("n", "0");
    ReadWriteTxn loser = cluster.client.beginReadWrite();
    cluster.await(loser.get(key("n")));
    write("n", "winner");
    loser.put(key("a"), bytes("loser"));
    loser.put(key("n"), bytes("loser"));

    Throwable failure = cluster.awaitFailure(loser.commit());
    cluster.runFor(10);

    assertThat(failure).isInstanceOf(TxnConflictException.class);
    assertThat(readLatest("a")).isEmpty();
    assertThat(readLatest("n")).contains("winner");
    // The aborted prepare at r2 was resolved: its intents do not hold the key against the next writer.
    write("a", "next");
    assertThat(readLatest("a")).contains("next");
  }

  @Test
  void aLostFastPathAnswerIs40003AndTheCommitMayWellHaveHappened() {
    cluster.dropAnswer("commit-one-phase");
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));

    Throwable failure = cluster.awaitFailure(txn.commit());

    assertThat(failure).isInstanceOf(TxnOutcomeUnknownException.class);
    assertThat(((TxnException) failure).isRetryable()).isFalse();
    // It did commit: a blind retry (what 40001 would invite) would have applied it twice.
    assertThat(readLatest("a")).contains("1");
  }

  @Test
  void aLostFastPathRequestIsStill40003SinceTheGatewayCannotTellTheDifference() {
    cluster.dropRequest("commit-one-phase");
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));

    assertThat(cluster.awaitFailure(txn.commit())).isInstanceOf(TxnOutcomeUnknownException.class);
    assertThat(readLatest("a")).isEmpty();
  }

  @Test
  void aFastPathCommitInFlightWhenTheLeaseIsLostIs40003() {
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));
    cluster.await(txn.get(key("b")));
    cluster.holdProposals(new RangeId(2));
    CompletableFuture<Timestamp> commit = txn.commit();
    cluster.runFor(5);
    assertThat(commit).isNotDone();

    cluster.loseLease(new RangeId(2));

    // The leaseholder said "proposed, fate unknown": Paxos may still choose the commit.
    Throwable failure = cluster.awaitFailure(commit);
    assertThat(failure).isInstanceOf(TxnOutcomeUnknownException.class);
    assertThat(((TxnException) failure).isRetryable()).isFalse();
    assertThat(cluster.trace).anyMatch(line -> line.contains("commit-one-phase") && line.contains("refused OUTCOME_UNKNOWN"));
  }

  @Test
  void aLostPrepareIsResentAndTheTransactionCommits() {
    cluster.dropRequest("r3@n1 prepare");
    write("a", "1", "n", "1");

    assertThat(count("r3@n1 prepare")).isEqualTo(2);
    assertThat(readLatest("n")).contains("1");
  }

  @Test
  void anOverloadedFastPathRefusalIsACertainNotApplied40001() {
    cluster.refuse("commit-one-phase");
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));

    Throwable failure = cluster.awaitFailure(txn.commit());

    assertThat(failure).isInstanceOf(TxnConflictException.class);
    assertThat(((TxnException) failure).isRetryable()).isTrue();
    assertThat(readLatest("a")).isEmpty();
  }

  @Test
  void aRefusedDecisionIsAskedAgainAndTheTransactionCommits() {
    cluster.refuse("record");

    write("a", "1", "n", "1");

    assertThat(count("record")).isEqualTo(2);
    assertThat(readLatest("a")).contains("1");
    assertThat(readLatest("n")).contains("1");
  }

  @Test
  void aRefusedResolveIsSentAgainSoNoIntentOutlivesTheCommit() {
    cluster.refuse("r3@n1 resolve");
    write("a", "1", "n", "1");
    cluster.runFor(10);

    assertThat(count("r3@n1 resolve")).isEqualTo(2);
    assertThat(cluster.hosted.get(new RangeId(3)).machine.prepared()).isEmpty();
    assertThat(cluster.client.counters().resolvesAbandoned()).isZero();
    write("n", "2");
    assertThat(readLatest("n")).contains("2");
  }

  @Test
  void aSplitRedirectsTheCommitWhichRefreshesTheCacheAndCommits() {
    write("n", "1", "u", "1");
    cluster.split(new RangeId(3), "t", new RangeId(4));
    cluster.trace.clear();

    // The cache still says r3 holds [m, end) at generation 0: the commit goes there and is refused.
    write("u", "2");

    assertThat(cluster.trace.getFirst()).contains("r3@n1 commit-one-phase").contains("g0");
    assertThat(cluster.trace.get(1)).contains("stale-generation");
    assertThat(count("r4@n1 commit-one-phase")).isEqualTo(1);
    assertThat(cluster.trace.stream().filter(l -> l.contains("<- stale-generation")).count()).isEqualTo(1);
    assertThat(cluster.client.counters().redirects()).isGreaterThanOrEqualTo(1);
    assertThat(cluster.client.counters().fastPathCommits()).isEqualTo(2);
    assertThat(readLatest("u")).contains("2");
    assertThat(readLatest("n")).contains("1");
  }

  @Test
  void aReadAfterASplitIsRedirectedToTheNewRange() {
    write("n", "1", "u", "1");
    cluster.split(new RangeId(3), "t", new RangeId(4));
    cluster.trace.clear();

    assertThat(readLatest("u")).contains("1");

    assertThat(cluster.trace.get(0)).contains("r3@n1 get u");
    assertThat(cluster.trace.get(1)).contains("stale-generation");
    assertThat(cluster.cache.lookup(key("u")).orElseThrow().descriptor().id()).isEqualTo(new RangeId(4));
    assertThat(count("r4@n1 get u")).isEqualTo(1);
  }

  @Test
  void notLeaseholderAnswersTeachTheCacheWhereTheLeaseIs() {
    ClusterHarness onN2 = new ClusterHarness(ClusterHarness.N2);
    ReadWriteTxn txn = onN2.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));
    onN2.await(txn.commit());
    ReadWriteTxn second = onN2.client.beginReadWrite();
    second.put(key("b"), bytes("1"));
    onN2.await(second.commit());

    assertThat(onN2.trace.stream().filter(l -> l.contains("not-leaseholder hint n2")).count()).isGreaterThanOrEqualTo(1);
    // Once learned, the hint routes every later request straight to n2.
    List<String> commits = onN2.trace.stream().filter(l -> l.contains("commit-one-phase") && !l.contains("<-")).toList();
    assertThat(commits.getLast()).contains("r2@n2");
    assertThat(onN2.cache.lookup(new RangeId(2)).orElseThrow().leaseholder()).isEqualTo(ClusterHarness.N2);
  }

  @Test
  void aScanOverSeveralRangesKeepsKeyOrderBothWays() {
    write("a", "1", "k", "1", "n", "1", "s", "1", "u", "1", "z", "1");
    cluster.split(new RangeId(3), "t", new RangeId(4));
    ReadOnlyTxn txn = cluster.client.beginReadOnly(TimestampBound.strong());

    List<KeyValue> forward = cluster.await(txn.scan(new KeySpan(key("a"), null), Direction.FORWARD, 100));
    List<KeyValue> reverse = cluster.await(txn.scan(new KeySpan(key("a"), null), Direction.REVERSE, 100));
    List<KeyValue> limited = cluster.await(txn.scan(new KeySpan(key("b"), key("y")), Direction.FORWARD, 3));

    assertThat(forward).extracting(kv -> text(kv.key())).containsExactly("a", "k", "n", "s", "u", "z");
    assertThat(reverse).extracting(kv -> text(kv.key())).containsExactly("z", "u", "s", "n", "k", "a");
    assertThat(limited).extracting(kv -> text(kv.key())).containsExactly("k", "n", "s");
  }

  @Test
  void aReadWriteScanMergesOwnWritesAcrossRangesAndValidatesTheSpan() {
    write("a", "1", "n", "1", "u", "1");
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    txn.put(key("c"), bytes("own"));
    txn.delete(key("n"));
    List<KeyValue> rows = cluster.await(txn.scan(new KeySpan(key("a"), null), Direction.FORWARD, 10));
    assertThat(rows).extracting(kv -> text(kv.key())).containsExactly("a", "c", "u");

    // A phantom inserted into the scanned span of another range fails the transaction's validation.
    write("p", "phantom");
    txn.put(key("b"), bytes("x"));
    assertThat(cluster.awaitFailure(txn.commit())).isInstanceOf(TxnConflictException.class);
    assertThat(readLatest("b")).isEmpty();
  }

  @Test
  void aReadOnlyTransactionReadsEveryRangeAtOneTimestamp() {
    write("a", "old", "n", "old");
    ReadOnlyTxn snapshot = cluster.client.beginReadOnly(TimestampBound.strong());
    assertThat(cluster.await(snapshot.get(key("a")))).map(ClusterHarness::text).contains("old");

    Timestamp commitTs = write("a", "new", "n", "new");

    assertThat(commitTs).isGreaterThan(snapshot.readTs());
    assertThat(cluster.await(snapshot.get(key("n")))).map(ClusterHarness::text).contains("old");
    assertThat(cluster.await(snapshot.scan(new KeySpan(key("a"), null), Direction.FORWARD, 10)))
        .extracting(kv -> text(kv.value())).containsExactly("old", "old");
    ReadOnlyTxn later = cluster.client.beginReadOnly(TimestampBound.strong());
    assertThat(cluster.await(later.scan(new KeySpan(key("a"), null), Direction.FORWARD, 10)))
        .extracting(kv -> text(kv.value())).containsExactly("new", "new");
  }

  @Test
  void aWriteBufferPastItsBoundFailsWith54000AtOnce() {
    ReadWriteTxn txn = cluster.client.beginReadWrite();
    byte[] big = new byte[1 << 20];
    for (int i = 0; i < 40; i++) {
      try {
        txn.put(key("k" + i), big);
      } catch (TxnLimitException expected) {
        break;
      }
    }
    Throwable failure = cluster.awaitFailure(txn.get(key("a")));
    assertThat(failure).isInstanceOf(TxnLimitException.class).hasMessageContaining("bytes of writes");
    assertThat(((TxnException) failure).isRetryable()).isFalse();
  }

  @Test
  void aReadSetPastItsBoundFailsWith54000() {
    CoordinatorLimits small = new CoordinatorLimits(1_000, 64, 16, 100, 30_000_000L);
    ClusterHarness tight = new ClusterHarness(ClusterHarness.N1, small);
    ReadWriteTxn txn = tight.client.beginReadWrite();
    Throwable failure = null;
    for (int i = 0; i < 100 && failure == null; i++) {
      try {
        tight.await(txn.get(key("key-" + i)));
      } catch (TxnLimitException e) {
        failure = e;
      }
    }
    // 1,000 bytes at 32 + 6 bytes a key: the 27th read is past the bound, and every later call fails.
    assertThat(failure).isInstanceOf(TxnLimitException.class).hasMessageContaining("read set");
    assertThatThrownBy(() -> txn.put(key("a"), bytes("1"))).isInstanceOf(TxnLimitException.class);
  }
}
