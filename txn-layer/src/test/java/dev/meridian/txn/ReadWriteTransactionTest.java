package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static dev.meridian.txn.ManualHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadWriteTransactionTest {

  private final ManualHarness node = new ManualHarness();

  private List<String> keysOf(List<KeyValue> rows) {
    return rows.stream().map(row -> text(row.key().toByteArray())).toList();
  }

  @Test
  void readsItsOwnWritesAndTheSnapshotOtherwise() {
    node.write("a", "1");
    node.write("c", "3");
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("b"), bytes("2"));
    txn.delete(key("c"));
    txn.put(key("a"), bytes("1'"));

    assertThat(node.await(txn.get(key("a")))).map(ManualHarness::text).contains("1'");
    assertThat(node.await(txn.get(key("c")))).isEmpty();
    List<KeyValue> rows = node.await(txn.scan(KeySpan.all(), Direction.FORWARD, 10));
    assertThat(keysOf(rows)).containsExactly("a", "b");
    assertThat(keysOf(node.await(txn.scan(KeySpan.all(), Direction.REVERSE, 10))))
        .containsExactly("b", "a");
    node.await(txn.commit());

    ReadOnlyTransaction after = node.client.beginReadOnly(TimestampBound.strong());
    assertThat(keysOf(node.await(after.scan(KeySpan.all(), Direction.FORWARD, 10))))
        .containsExactly("a", "b");
  }

  @Test
  void scanWithLimitFillsPastOwnDeletesAndKeepsOrder() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      node.write(k, k);
    }
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.delete(key("a"));
    txn.delete(key("b"));
    txn.put(key("bb"), bytes("new"));
    txn.put(key("z"), bytes("beyond"));
    assertThat(keysOf(node.await(txn.scan(KeySpan.all(), Direction.FORWARD, 3))))
        .containsExactly("bb", "c", "d");
    assertThat(keysOf(node.await(txn.scan(KeySpan.all(), Direction.REVERSE, 2))))
        .containsExactly("z", "e");
  }

  @Test
  void aReadKeyWrittenByALaterCommitFailsValidationNamingTheKey() {
    node.write("x", "0");
    ReadWriteTransaction reader = node.client.beginReadWrite();
    assertThat(node.await(reader.get(key("x")))).isPresent();
    node.write("x", "1");
    reader.put(key("y"), bytes("derived from x"));

    Throwable failure = node.awaitFailure(reader.commit());
    assertThat(failure)
        .isInstanceOf(TxnConflictException.class)
        .hasMessageContaining("key \"x\"")
        .hasMessageContaining("retry");
    assertThat(((TxnException) failure).isRetryable()).isTrue();
    ReadOnlyTransaction check = node.client.beginReadOnly(TimestampBound.strong());
    assertThat(node.await(check.get(key("y")))).as("an aborted transaction writes nothing").isEmpty();
  }

  @Test
  void aPhantomInAScannedSpanFailsValidation() {
    node.write("order/1", "open");
    ReadWriteTransaction scanner = node.client.beginReadWrite();
    KeySpan orders = KeySpan.prefix(key("order/"));
    assertThat(node.await(scanner.scan(orders, Direction.FORWARD, 100))).hasSize(1);
    node.write("order/2", "open");
    scanner.put(key("summary"), bytes("1 order"));

    assertThat(node.awaitFailure(scanner.commit()))
        .isInstanceOf(TxnConflictException.class)
        .hasMessageContaining("span")
        .hasMessageContaining("order/2");
  }

  @Test
  void onlyThePartOfASpanThatALimitedScanCoveredIsValidated() {
    node.write("k1", "v");
    node.write("k2", "v");
    ReadWriteTransaction forward = node.client.beginReadWrite();
    assertThat(keysOf(node.await(forward.scan(KeySpan.all(), Direction.FORWARD, 1))))
        .containsExactly("k1");
    ReadWriteTransaction reverse = node.client.beginReadWrite();
    assertThat(keysOf(node.await(reverse.scan(KeySpan.all(), Direction.REVERSE, 1))))
        .containsExactly("k2");
    node.write("k3", "after the forward scan's limit, inside the reverse scan's range");
    forward.put(key("f"), bytes("1"));
    reverse.put(key("r"), bytes("1"));

    assertThat(node.await(forward.commit())).isNotNull();
    assertThat(node.awaitFailure(reverse.commit())).isInstanceOf(TxnConflictException.class);
  }

  @Test
  void blindWritesDoNotConflict() {
    ReadWriteTransaction first = node.client.beginReadWrite();
    ReadWriteTransaction second = node.client.beginReadWrite();
    first.put(key("k"), bytes("first"));
    second.put(key("k"), bytes("second"));
    Timestamp firstTs = node.await(first.commit());
    Timestamp secondTs = node.await(second.commit());
    assertThat(secondTs).isGreaterThan(firstTs);
    ReadOnlyTransaction check = node.client.beginReadOnly(TimestampBound.strong());
    assertThat(node.await(check.get(key("k")))).map(ManualHarness::text).contains("second");
  }

  @Test
  void writeSkewIsPrevented() {
    // Two doctors on call; each may go off call only if the other stays on.
    node.write("alice", "on");
    node.write("bob", "on");
    ReadWriteTransaction aliceLeaves = node.client.beginReadWrite();
    ReadWriteTransaction bobLeaves = node.client.beginReadWrite();
    node.await(aliceLeaves.get(key("bob")));
    node.await(bobLeaves.get(key("alice")));
    aliceLeaves.put(key("alice"), bytes("off"));
    bobLeaves.put(key("bob"), bytes("off"));

    node.await(aliceLeaves.commit());
    assertThat(node.awaitFailure(bobLeaves.commit())).isInstanceOf(TxnConflictException.class);
  }

  @Test
  void aTransactionIsUnusableAfterItEnds() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    node.await(txn.commit());
    assertThatThrownBy(() -> txn.put(key("k"), bytes("again")))
        .isInstanceOf(TxnStateException.class)
        .hasMessageContaining("committed");
    assertThatThrownBy(() -> txn.get(key("k"))).isInstanceOf(TxnStateException.class);

    ReadWriteTransaction aborted = node.client.beginReadWrite();
    aborted.put(key("gone"), bytes("v"));
    aborted.abort();
    node.loop.runUntilIdle();
    assertThatThrownBy(aborted::commit).isInstanceOf(TxnStateException.class);
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("gone"))))
        .isEqualTo(Optional.empty());
  }

  @Test
  void aTransactionThatOnlyReadsCommitsAtItsReadTimestamp() {
    node.write("k", "v");
    ReadWriteTransaction txn = node.client.beginReadWrite();
    node.await(txn.get(key("k")));
    assertThat(node.await(txn.commit())).isEqualTo(txn.readTs());
  }

  @Test
  void runReadWriteRetriesConflictsUntilItCommits() {
    node.write("counter", "0");
    ReadWriteTransaction interloper = node.client.beginReadWrite();
    int[] runs = {0};
    TxnClient.Committed<String> committed =
        node.await(
            node.client.runReadWrite(
                txn ->
                    txn.get(key("counter"))
                        .thenApply(
                            value -> {
                              if (runs[0]++ == 0) {
                                // Between this attempt's read and its commit, another write lands.
                                interloper.put(key("counter"), bytes("10"));
                                interloper.commit();
                              }
                              int next = Integer.parseInt(text(value.orElseThrow())) + 1;
                              txn.put(key("counter"), bytes(Integer.toString(next)));
                              return Integer.toString(next);
                            }),
                TxnClient.RetryPolicy.defaults()));
    assertThat(committed.attempts()).isEqualTo(2);
    assertThat(committed.value()).isEqualTo("11");
  }
}
