package dev.meridian.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.storage.TxnId;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Transaction ids carry the node id of the client that began them (DESIGN §11: nothing may assume
 * node 1), so two nodes' clients beginning transactions at the same TrueTime instant never mint the
 * same id, and a node's ids keep increasing.
 */
class TxnIdUniquenessTest {

  @Test
  void clientsOfTwoNodesAtTheSameInstantNeverShareATransactionId() {
    ManualHarness harness = new ManualHarness();
    TxnClient nodeThree = new TxnClient(3, harness.range, harness.trueTime, RandomSource.seeded(1));
    TxnClient nodeNine = new TxnClient(9, harness.range, harness.trueTime, RandomSource.seeded(1));
    Set<TxnId> ids = new HashSet<>();
    long previousThree = 0;
    for (int i = 0; i < 1_000; i++) {
      TxnId three = nodeThree.beginReadWrite().id();
      TxnId nine = nodeNine.beginReadWrite().id();
      assertThat(three.coordinatorNode()).isEqualTo(3);
      assertThat(nine.coordinatorNode()).isEqualTo(9);
      assertThat(three.sequence()).isGreaterThan(previousThree);
      previousThree = three.sequence();
      assertThat(ids.add(three)).isTrue();
      assertThat(ids.add(nine)).isTrue();
    }
    // The clock never moved: the sequences are equal across the two nodes, only the node id tells them apart.
    assertThat(new TxnClient(9, harness.range, harness.trueTime, RandomSource.seeded(1)).beginReadWrite().id()
        .sequence()).isEqualTo(new TxnClient(3, harness.range, harness.trueTime, RandomSource.seeded(1))
        .beginReadWrite().id().sequence());
  }
}
