package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Register histories read from text: per-key partitioning, :info and :fail, and explanations. */
class LinearizabilityCheckerTest {
  private static CheckResult check(String text, HistoryReader.Format format) {
    return Checker.check(HistoryReader.parseRegister(text, format),
        CheckOptions.strictSerializable(CheckOptions.Workload.REGISTER));
  }

  private static Map<?, ?> onlyCase(CheckResult r) {
    List<Object> cases = r.anomalies().get(LinearizabilityChecker.NONLINEARIZABLE);
    assertThat(cases).hasSize(1);
    return (Map<?, ?>) cases.get(0);
  }

  @Test
  void independentKeysAreCheckedSeparatelyAndOnlyTheBadOneIsReported() {
    // Key 1 is fine. Key 2 has a stale read: 1 after the write of 2 completed. Interleaved, the
    // read of 1 on key 2 would be fine for key 1's values, so partitioning matters.
    String edn = """
        {:process 0, :type :invoke, :f :write, :value [1 1]}
        {:process 0, :type :ok, :f :write, :value [1 1]}
        {:process 1, :type :invoke, :f :write, :value [2 1]}
        {:process 1, :type :ok, :f :write, :value [2 1]}
        {:process 1, :type :invoke, :f :write, :value [2 2]}
        {:process 1, :type :ok, :f :write, :value [2 2]}
        {:process 2, :type :invoke, :f :read, :value [2 nil]}
        {:process 2, :type :ok, :f :read, :value [2 1]}
        {:process 3, :type :invoke, :f :read, :value [1 nil]}
        {:process 3, :type :ok, :f :read, :value [1 1]}
        {:process :nemesis, :type :info, :f :start, :value nil}
        """;
    CheckResult r = check(edn, HistoryReader.Format.EDN);
    assertThat(r.valid()).isEqualTo("false");
    assertThat(r.anomalyTypes()).containsExactly(LinearizabilityChecker.NONLINEARIZABLE);
    assertThat(r.not()).containsExactly("linearizable");
    Map<?, ?> c = onlyCase(r);
    assertThat(c.get("key")).isEqualTo(2L);
    assertThat(c.get("prefix-end-index")).isEqualTo(7L);
    assertThat(((Map<?, ?>) c.get("op")).get("value")).isEqualTo(1L);
    // All three are needed: either write, or the read, may otherwise be put where it fits.
    assertThat((List<?>) c.get("ops")).hasSize(3);
    assertThat((String) c.get("why")).startsWith("key 2 is not linearizable")
        .contains("process 2's read of 1 (:index 6-7)")
        .contains("process 1's write of 1 (:index 2-3); process 1's write of 2 (:index 4-5)");
  }

  @Test
  void shortestPrefixEndsAtTheFirstImpossibleCompletionAndLeavesOutBystanders() {
    // The read of nil at 4-5 is the first impossible one; the later ones are beyond the prefix,
    // and the concurrent read of 1 (2-3) is a bystander that weakening drops.
    String log = """
        INFO  jepsen.util - 0\t:invoke\t:write\t1
        INFO  jepsen.util - 0\t:ok\t:write\t1
        INFO  jepsen.util - 1\t:invoke\t:read\tnil
        INFO  jepsen.util - 1\t:ok\t:read\t1
        INFO  jepsen.util - 2\t:invoke\t:read\tnil
        INFO  jepsen.util - 2\t:ok\t:read\tnil
        INFO  jepsen.util - 3\t:invoke\t:cas\t[4 5]
        INFO  jepsen.util - 3\t:ok\t:cas\t[4 5]
        some unrelated log line
        """;
    Map<?, ?> c = onlyCase(check(log, HistoryReader.Format.JEPSEN_LOG));
    assertThat(c.get("key")).isNull();
    assertThat(c.get("prefix-end-index")).isEqualTo(5L);
    assertThat(c.get("prefix-operations")).isEqualTo(3);
    assertThat(c.get("shortest")).isEqualTo(true);
    assertThat(c.get("minimal")).isEqualTo(true);
    assertThat((List<?>) c.get("ops")).hasSize(2);
    assertThat((String) c.get("why")).startsWith("the register is not linearizable")
        .contains("process 0's write of 1 (:index 0-1); process 2's read of nil (:index 4-5)");
  }

  @Test
  void failedAndTimedOutOperationsAreReadFromTheLog() {
    // The failed cas did not happen; the timed-out write may have, and explains the read of 3.
    String log = """
        INFO  jepsen.util - 0 :invoke :write 1
        INFO  jepsen.util - 0 :ok :write 1
        INFO  jepsen.util - 1 :invoke :cas [1 2]
        INFO  jepsen.util - 1 :fail :cas [1 2]
        INFO  jepsen.util - 2 :invoke :write 3
        INFO  jepsen.util - 2 :info :write :timed-out
        INFO  jepsen.util - 3 :invoke :read nil
        INFO  jepsen.util - 3 :fail :read :timed-out
        INFO  jepsen.util - 4 :invoke :read nil
        INFO  jepsen.util - 4 :ok :read 1
        INFO  jepsen.util - 4 :invoke :read nil
        INFO  jepsen.util - 4 :ok :read 3
        """;
    assertThat(check(log, HistoryReader.Format.JEPSEN_LOG).valid()).isEqualTo("true");
    String failedCasRead = log.replace(":ok :read 3", ":ok :read 2");
    assertThat(check(failedCasRead, HistoryReader.Format.JEPSEN_LOG).valid()).isEqualTo("false");
  }

  @Test
  void jsonRegisterHistoriesReadTheSameWay() {
    String json = """
        {"process":0,"type":"invoke","f":"cas","value":[null,1]}
        {"process":0,"type":"ok","f":"cas","value":[null,1]}
        {"process":1,"type":"invoke","f":"read","value":null}
        {"process":1,"type":"ok","f":"read","value":1}
        """;
    assertThat(check(json, HistoryReader.Format.JSON).valid()).isEqualTo("true");
  }

  @Test
  void exhaustedBudgetIsUnknownNotWrong() {
    StringBuilder log = new StringBuilder();
    for (int p = 0; p < 14; p++) {
      log.append("INFO  jepsen.util - ").append(p).append(" :invoke :write ").append(p + 1)
          .append('\n');
    }
    log.append("INFO  jepsen.util - 99 :invoke :read nil\nINFO  jepsen.util - 99 :ok :read 42\n");
    List<Op> ops = HistoryReader.parseRegister(log.toString(), HistoryReader.Format.JEPSEN_LOG);
    CheckResult r = Checker.check(ops, CheckOptions.strictSerializable(
        CheckOptions.Workload.REGISTER).withSearchBudget(100));
    assertThat(r.valid()).isEqualTo("unknown");
    assertThat(r.anomalyTypes()).containsExactly(LinearizabilityChecker.TIMEOUT);
    assertThat(Checker.check(ops, CheckOptions.strictSerializable(CheckOptions.Workload.REGISTER))
        .valid()).isEqualTo("false");
  }

  @Test
  void malformedRegisterOperationsNameTheLine() {
    assertThatThrownBy(() -> HistoryReader.parseRegister(
        "INFO  jepsen.util - 0\t:invoke\t:cas\t5\n", HistoryReader.Format.JEPSEN_LOG))
        .isInstanceOf(HistoryFormatException.class).hasMessageContaining("line 1")
        .hasMessageContaining("[old new]");
    assertThatThrownBy(() -> HistoryReader.parseRegister(
        "{:process 0, :type :invoke, :f :txn, :value []}", HistoryReader.Format.EDN))
        .isInstanceOf(HistoryFormatException.class).hasMessageContaining(":read, :write or :cas");
    assertThatThrownBy(() -> HistoryReader.parse(
        "{:process 0, :type :invoke, :f :txn, :value [[:cas 1 [1 2]]]}", HistoryReader.Format.EDN))
        .isInstanceOf(HistoryFormatException.class).hasMessageContaining("unknown micro-op");
  }
}
