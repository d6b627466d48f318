package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One small history per anomaly, checked for exactly the anomaly it shows. */
class AnomalyTest {
  private static CheckResult listAppend(String edn, String... models) {
    return Checker.check(HistoryReader.parse(edn, HistoryReader.Format.EDN),
        CheckOptions.strictSerializable(CheckOptions.Workload.LIST_APPEND)
            .withModels(List.of(models)));
  }

  private static CheckResult register(String edn, boolean linearizable, String... models) {
    return Checker.check(HistoryReader.parse(edn, HistoryReader.Format.EDN),
        CheckOptions.strictSerializable(CheckOptions.Workload.RW_REGISTER)
            .withModels(List.of(models)).withKeyAssumptions(linearizable, false, false));
  }

  private static String ok(int index, int process, String value) {
    return "{:index " + index + ", :type :ok, :process " + process + ", :f :txn, :value " + value
        + "}\n";
  }

  @Test
  void g0WriteCycle() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1] [:append :y 1]]")
        + ok(1, 1, "[[:append :x 2] [:append :y 2]]")
        + ok(2, 2, "[[:r :x [1 2]] [:r :y [2 1]]]"), "read-uncommitted");
    assertThat(r.valid()).isEqualTo("false");
    assertThat(r.anomalyTypes()).containsExactly("G0");
    assertThat(r.not()).containsExactly("read-uncommitted");
  }

  @Test
  void g1aAbortedRead() {
    CheckResult r = listAppend("{:index 0, :type :fail, :process 0, :value [[:append :x 1]]}\n"
        + ok(1, 1, "[[:r :x [1]]]"), "read-committed");
    assertThat(r.anomalyTypes()).contains("G1a");
    assertThat(r.valid()).isEqualTo("false");
  }

  @Test
  void g1bIntermediateRead() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1] [:append :x 2]]")
        + ok(1, 1, "[[:r :x [1]]]"), "read-committed");
    assertThat(r.anomalyTypes()).containsExactly("G1b");
  }

  @Test
  void g1cCircularInformationFlow() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1] [:r :y [1]]]")
        + ok(1, 1, "[[:append :y 1] [:r :x [1]]]"), "read-committed");
    assertThat(r.anomalyTypes()).containsExactly("G1c");
    assertThat(((java.util.Map<?, ?>) r.anomalies().get("G1c").get(0)).get("steps").toString())
        .contains("wr");
  }

  @Test
  void gSingleReadSkew() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1] [:append :y 1]]")
        + ok(1, 1, "[[:r :x []] [:r :y [1]]]"), "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-single-item");
    assertThat(r.not()).containsExactly("consistent-view", "repeatable-read");
  }

  @Test
  void g2ItemWriteSkew() {
    CheckResult r = listAppend(ok(0, 0, "[[:r :x []] [:append :y 1]]")
        + ok(1, 1, "[[:r :y []] [:append :x 1]]") + ok(2, 2, "[[:r :x [1]] [:r :y [1]]]"),
        "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G2-item");
  }

  @Test
  void realtimeVariantOnlyUnderStrictModels() {
    String h = "{:index 0, :type :invoke, :process 0, :value [[:append :x 1]]}\n"
        + ok(1, 0, "[[:append :x 1]]")
        + "{:index 2, :type :invoke, :process 1, :value [[:r :x nil]]}\n"
        + ok(3, 1, "[[:r :x []]]");
    assertThat(listAppend(h, "serializable").valid()).isEqualTo("true");
    CheckResult strict = listAppend(h, "strict-serializable");
    assertThat(strict.anomalyTypes()).containsExactly("G-single-item-realtime");
  }

  @Test
  void processVariantUnderSessionModels() {
    String h = ok(0, 0, "[[:append :x 1]]") + ok(1, 0, "[[:r :x []]]");
    CheckResult r = listAppend(h, "strong-session-snapshot-isolation");
    assertThat(r.anomalyTypes()).containsExactly("G-single-item-process");
  }

  @Test
  void internalInconsistency() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1] [:r :x [2]]]"), "serializable");
    assertThat(r.anomalyTypes()).contains("internal");
  }

  @Test
  void duplicateElementsAndIncompatibleOrder() {
    CheckResult dup = listAppend(ok(0, 0, "[[:append :x 1]]") + ok(1, 1, "[[:r :x [1 1]]]"),
        "read-uncommitted");
    assertThat(dup.anomalyTypes()).contains("duplicate-elements");
    CheckResult inc = listAppend(ok(0, 0, "[[:append :x 1]]") + ok(1, 0, "[[:append :x 2]]")
        + ok(2, 1, "[[:r :x [1 2]]]") + ok(3, 2, "[[:r :x [2 1]]]"), "read-committed");
    assertThat(inc.anomalyTypes()).contains("incompatible-order");
  }

  @Test
  void futureReadAndDirtyUpdate() {
    CheckResult fr = listAppend(ok(0, 0, "[[:r :x [1]] [:append :x 1]]"), "read-committed");
    assertThat(fr.anomalyTypes()).contains("future-read");
    CheckResult du = listAppend("{:index 0, :type :fail, :process 0, :value [[:append :x 1]]}\n"
        + ok(1, 1, "[[:append :x 2]]") + ok(2, 2, "[[:r :x [1 2]]]"), "read-committed");
    assertThat(du.anomalyTypes()).contains("dirty-update");
  }

  @Test
  void lostUpdate() {
    CheckResult r = listAppend(ok(0, 0, "[[:r :x []] [:append :x 1]]")
        + ok(1, 1, "[[:r :x []] [:append :x 2]]"), "cursor-stability");
    assertThat(r.anomalyTypes()).contains("lost-update");
  }

  @Test
  void cyclicVersionsFromLinearizableKeys() {
    String h = "{:index 0, :type :invoke, :process 0, :value [[:w :x 1]]}\n" + ok(1, 0, "[[:w :x 1]]")
        + "{:index 2, :type :invoke, :process 0, :value [[:r :x nil]]}\n" + ok(3, 0, "[[:r :x 2]]")
        + "{:index 4, :type :invoke, :process 0, :value [[:r :x nil]]}\n" + ok(5, 0, "[[:r :x 1]]");
    CheckResult r = register(h, true, "strict-serializable");
    assertThat(r.anomalyTypes()).containsExactly("cyclic-versions");
    assertThat(register(h, false, "strict-serializable").anomalyTypes())
        .doesNotContain("cyclic-versions");
  }

  @Test
  void emptyTransactionGraphIsUnknown() {
    CheckResult r = listAppend(ok(0, 0, "[[:append :x 1]]"), "serializable");
    assertThat(r.valid()).isEqualTo("unknown");
    assertThat(r.anomalyTypes()).containsExactly("empty-transaction-graph");
  }
}
