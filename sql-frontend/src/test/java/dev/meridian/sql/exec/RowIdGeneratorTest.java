package dev.meridian.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Timestamp;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowIdGeneratorTest {

  @Test
  void twoNodesAtTheSameTimestampNeverShareAnId() {
    RowIdGenerator one = new RowIdGenerator(1);
    RowIdGenerator two = new RowIdGenerator(2);
    Timestamp ts = Timestamp.ofMicros(1_764_000_000_000_000L);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(ids.add(one.next(ts))).isTrue();
      assertThat(ids.add(two.next(ts))).isTrue();
    }
  }

  @Test
  void idsOfOneNodeIncreaseAndCarryItsIdInTheLowBits() {
    RowIdGenerator node = new RowIdGenerator(1023);
    long previous = 0;
    for (long micros = 1_764_000_000_000_000L; micros < 1_764_000_000_000_100L; micros += 3) {
      long id = node.next(Timestamp.ofMicros(micros));
      assertThat(id).isGreaterThan(previous);
      assertThat(id & 1023).isEqualTo(1023);
      assertThat(id >>> 10).isGreaterThanOrEqualTo(micros);
      previous = id;
    }
  }

  @Test
  void aRestartedNodeStartsAboveItsEarlierIds() {
    Timestamp before = Timestamp.ofMicros(1_764_000_000_000_000L);
    RowIdGenerator first = new RowIdGenerator(7);
    long last = 0;
    for (int i = 0; i < 100; i++) {
      last = first.next(before);
    }
    // After a restart the node reads at a later timestamp than any it used before.
    long afterRestart = new RowIdGenerator(7).next(Timestamp.ofMicros(before.micros() + 1_000));
    assertThat(afterRestart).isGreaterThan(last);
  }

  @Test
  void nodeIdsOutsideTheLowBitsAreRefused() {
    assertThatThrownBy(() -> new RowIdGenerator(0)).hasMessageContaining("between 1 and 1023");
    assertThatThrownBy(() -> new RowIdGenerator(1024)).hasMessageContaining("between 1 and 1023");
  }
}
