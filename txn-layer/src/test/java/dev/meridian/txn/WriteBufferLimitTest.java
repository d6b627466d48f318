package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A transaction's write buffer is bounded ({@link TxnLimits#maxWriteBufferBytes}). */
class WriteBufferLimitTest {

  private final ManualHarness node = new ManualHarness();
  /** Room for ten writes of a 1-byte key and a 36-byte value (1 + 36 + 64 = 101 bytes each). */
  private final TxnClient client = new TxnClient(1, node.range, node.trueTime, RandomSource.seeded(7),
      new TxnLimits(10 * 101));

  private static byte[] value(int i) {
    return bytes(String.format("%036d", i));
  }

  @Test
  void aTransactionWithinTheBoundCommits() {
    ReadWriteTransaction txn = client.beginReadWrite();
    for (int i = 0; i < 10; i++) {
      txn.put(key(String.valueOf(i)), value(i));
    }
    node.await(txn.commit());
    ReadOnlyTransaction after = client.beginReadOnly(TimestampBound.strong());
    assertThat(node.await(after.scan(KeySpan.all(), Direction.FORWARD, 100))).hasSize(10);
  }

  @Test
  void writeAllBuffersInOrderAndIsBoundedAlike() {
    ReadWriteTransaction txn = client.beginReadWrite();
    txn.writeAll(List.of(Write.put(key("a"), value(1)), Write.delete(key("a")), Write.put(key("b"), value(2))));
    assertThat(node.await(txn.get(key("a")))).isEmpty();
    assertThat(node.await(txn.get(key("b")))).isPresent();
    List<Write> tooMany = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      tooMany.add(Write.put(key(String.valueOf((char) ('c' + i))), value(i)));
    }
    txn.writeAll(tooMany);
    assertThat(node.awaitFailure(txn.commit())).isInstanceOf(TxnLimitException.class);
  }

  @Test
  void aRollbackToASavepointGivesItsWritesBytesBack() {
    ReadWriteTransaction txn = client.beginReadWrite();
    ReadWriteTransaction.Savepoint savepoint = node.await(txn.savepoint());
    for (int i = 0; i < 8; i++) {
      txn.put(key("s" + i), value(i));
    }
    node.await(txn.rollbackTo(savepoint));
    for (int i = 0; i < 10; i++) {
      txn.put(key(String.valueOf(i)), value(i));
    }
    node.await(txn.commit());
  }

  @Test
  void rewritingTheSameKeyCountsItOnce() {
    ReadWriteTransaction txn = client.beginReadWrite();
    for (int i = 0; i < 1_000; i++) {
      txn.put(key("k"), value(i));
    }
    node.await(txn.commit());
  }

  @Test
  void pastTheBoundEveryCallFailsAndNothingCommits() {
    ReadWriteTransaction txn = client.beginReadWrite();
    for (int i = 0; i < 11; i++) {
      txn.put(key(String.valueOf((char) ('a' + i))), value(i));
    }
    Throwable failure = node.awaitFailure(txn.get(key("a")));
    assertThat(failure).isInstanceOf(TxnLimitException.class)
        .hasMessageContaining("buffered more than 1010 bytes of writes");
    assertThat(((TxnException) failure).isRetryable()).isFalse();
    assertThatThrownBy(() -> txn.put(key("z"), value(0))).isInstanceOf(TxnLimitException.class);
    assertThatThrownBy(txn::commit).isInstanceOf(TxnLimitException.class);
    txn.abort();
    ReadOnlyTransaction after = client.beginReadOnly(TimestampBound.strong());
    assertThat(node.await(after.scan(KeySpan.all(), Direction.FORWARD, 100))).isEmpty();
  }
}
