package dev.meridian.txn.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.coordinate.Footprint;
import dev.meridian.txn.coordinator.coordinate.Grouping;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupingTest {

  private static Key k(String s) {
    return Key.utf8(s);
  }

  private static TestRanges threeRanges() {
    TestRanges ranges = new TestRanges();
    ranges.define(TestRanges.descriptor(1, "", "g", 0));
    ranges.define(TestRanges.descriptor(2, "g", "p", 0));
    ranges.define(TestRanges.descriptor(3, "p", null, 0));
    return ranges;
  }

  @Test
  void cutsSpansAtRangeBoundariesAndKeepsKeyOrder() {
    Footprint f = new Footprint(
        List.of(Write.put(k("q"), new byte[1]), Write.delete(k("a"))),
        List.of(k("h"), k("h")),
        List.of(new KeySpan(k("c"), null), new KeySpan(k("x"), k("x"))));
    Grouping.Grouped grouped = (Grouping.Grouped) Grouping.group(f, threeRanges());
    assertThat(grouped.groups()).extracting(Grouping.Group::id)
        .containsExactly(new RangeId(1), new RangeId(2), new RangeId(3));
    assertThat(grouped.groups().get(0).part().readSpans()).containsExactly(new KeySpan(k("c"), k("g")));
    assertThat(grouped.groups().get(1).part().readSpans()).containsExactly(new KeySpan(k("g"), k("p")));
    assertThat(grouped.groups().get(2).part().readSpans()).containsExactly(new KeySpan(k("p"), null));
    // The empty span [x, x) is dropped; the repeated read key is one.
    assertThat(grouped.groups().get(1).part().readKeys()).containsExactly(k("h"));
    assertThat(grouped.groups().get(1).readOnly()).isTrue();
    assertThat(f.firstWrittenKey()).isEqualTo(k("a"));
  }

  @Test
  void namesTheFirstKeyNoCachedDescriptorCovers() {
    TestRanges ranges = threeRanges();
    ranges.forget(new RangeId(2));
    Footprint f = new Footprint(List.of(Write.delete(k("a"))), List.of(), List.of(new KeySpan(k("b"), k("z"))));
    assertThat(Grouping.group(f, ranges)).isEqualTo(new Grouping.Missing(k("g")));
  }

  @Test
  void refusesTwoWritesToOneKey() {
    assertThatThrownBy(() -> new Footprint(List.of(Write.delete(k("a")), Write.delete(k("a"))), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two buffered writes");
  }
}
