package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static dev.meridian.txn.ManualHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Savepoints of a read-write transaction: the write buffer rolled back to a mark, the read set kept. */
class SavepointTest {

  private final ManualHarness node = new ManualHarness();

  private List<String> committed() {
    ReadOnlyTransaction check = node.client.beginReadOnly(TimestampBound.strong());
    return node.await(check.scan(KeySpan.all(), Direction.FORWARD, 100)).stream()
        .map(row -> text(row.key().toByteArray()) + "=" + text(row.value()))
        .toList();
  }

  private String read(ReadWriteTransaction txn, String k) {
    return node.await(txn.get(key(k))).map(ManualHarness::text).orElse("-");
  }

  @Test
  void rollingBackRestoresTheBufferAsItWasAtTheSavepoint() {
    node.write("stored", "0");
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("a"), bytes("1"));
    ReadWriteTransaction.Savepoint sp = node.await(txn.savepoint());
    txn.put(key("a"), bytes("2"));
    txn.put(key("b"), bytes("new"));
    txn.delete(key("stored"));
    txn.put(key("a"), bytes("3"));
    assertThat(read(txn, "a")).isEqualTo("3");

    node.await(txn.rollbackTo(sp));
    assertThat(read(txn, "a")).isEqualTo("1");
    assertThat(read(txn, "b")).isEqualTo("-");
    assertThat(read(txn, "stored")).isEqualTo("0");

    // The savepoint stays open: it can be rolled back to again.
    txn.put(key("c"), bytes("x"));
    node.await(txn.rollbackTo(sp));
    txn.put(key("d"), bytes("kept"));
    node.await(txn.commit());
    assertThat(committed()).containsExactly("a=1", "d=kept", "stored=0");
  }

  @Test
  void rollingBackToAnOuterSavepointClosesTheInnerOnes() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    ReadWriteTransaction.Savepoint outer = node.await(txn.savepoint());
    txn.put(key("a"), bytes("1"));
    ReadWriteTransaction.Savepoint inner = node.await(txn.savepoint());
    txn.put(key("b"), bytes("2"));
    node.await(txn.rollbackTo(outer));
    assertThat(node.awaitFailure(txn.rollbackTo(inner)))
        .isInstanceOf(TxnStateException.class)
        .hasMessageContaining("savepoint " + inner.number() + " is not open");
    assertThat(read(txn, "a")).isEqualTo("-");
    node.await(txn.commit());
    assertThat(committed()).isEmpty();
  }

  @Test
  void releaseKeepsTheWritesAndOuterSavepointsStillUndoThem() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    ReadWriteTransaction.Savepoint outer = node.await(txn.savepoint());
    txn.put(key("a"), bytes("1"));
    ReadWriteTransaction.Savepoint inner = node.await(txn.savepoint());
    txn.put(key("a"), bytes("2"));
    node.await(txn.release(inner));
    assertThat(read(txn, "a")).isEqualTo("2");
    assertThat(node.awaitFailure(txn.release(inner))).isInstanceOf(TxnStateException.class);
    node.await(txn.rollbackTo(outer));
    assertThat(read(txn, "a")).isEqualTo("-");

    txn.put(key("b"), bytes("1"));
    node.await(txn.release(outer));
    txn.put(key("c"), bytes("1"));
    node.await(txn.commit());
    assertThat(committed()).containsExactly("b=1", "c=1");
  }

  @Test
  void aSavepointOfAnotherTransactionIsNotOpenHere() {
    ReadWriteTransaction one = node.client.beginReadWrite();
    ReadWriteTransaction two = node.client.beginReadWrite();
    ReadWriteTransaction.Savepoint sp = node.await(one.savepoint());
    node.await(two.savepoint());
    assertThat(node.awaitFailure(two.rollbackTo(sp))).isInstanceOf(TxnStateException.class);
  }

  @Test
  void readsMadeAfterTheSavepointStayInTheReadSet() {
    node.write("x", "0");
    ReadWriteTransaction txn = node.client.beginReadWrite();
    ReadWriteTransaction.Savepoint sp = node.await(txn.savepoint());
    assertThat(read(txn, "x")).isEqualTo("0");
    txn.put(key("y"), bytes("from x"));
    node.await(txn.rollbackTo(sp));
    node.write("x", "1");
    txn.put(key("z"), bytes("1"));

    assertThat(node.awaitFailure(txn.commit())).isInstanceOf(TxnConflictException.class);
    assertThat(committed()).containsExactly("x=1");
  }
}
