package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI's entry point on hand-written histories and checks output and exit status. */
class CheckCommandTest {
  private record Run(int status, String out, String err) {}

  private static String resource(String name) {
    return Path.of(System.getProperty("user.dir"), "src/test/resources/histories", name).toString();
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void validHistoryExitsZero() {
    Run r = run("check", "--workload", "list-append", resource("bank-valid.edn"));
    assertThat(r.status()).isEqualTo(CheckCommand.EXIT_VALID);
    Map<?, ?> json = (Map<?, ?>) Json.read(r.out().strip());
    assertThat(json.get("valid")).isEqualTo(Boolean.TRUE);
    assertThat((List<?>) json.get("anomaly-types")).isEmpty();
  }

  @Test
  void writeSkewIsInvalidUnderSerializableButNotSnapshotIsolation() {
    Run ser = run("--workload", "list-append", "--model", "serializable",
        resource("write-skew.json"));
    assertThat(ser.status()).isEqualTo(CheckCommand.EXIT_INVALID);
    Map<?, ?> json = (Map<?, ?>) Json.read(ser.out().strip());
    assertThat(json.get("valid")).isEqualTo(Boolean.FALSE);
    assertThat(json.get("anomaly-types")).isEqualTo(List.of("G2-item"));
    assertThat(json.get("not")).isEqualTo(List.of("repeatable-read"));
    Map<?, ?> anomalies = (Map<?, ?>) json.get("anomalies");
    List<?> cycles = (List<?>) anomalies.get("G2-item");
    assertThat(cycles).hasSize(1);
    assertThat(((Map<?, ?>) cycles.get(0)).get("steps").toString()).contains("rw");

    Run si = run("--workload", "list-append", "--model", "snapshot-isolation",
        resource("write-skew.json"));
    assertThat(si.status()).isEqualTo(CheckCommand.EXIT_VALID);
  }

  @Test
  void unknownVerdictExitsTwo() {
    Run r = run("--workload", "list-append", "--format", "edn", resource("only-failed.edn"));
    assertThat(r.status()).isEqualTo(CheckCommand.EXIT_UNKNOWN);
    Map<?, ?> json = (Map<?, ?>) Json.read(r.out().strip());
    assertThat(json.get("valid")).isEqualTo("unknown");
    assertThat(json.get("anomaly-types")).isEqualTo(List.of("empty-transaction-graph"));
  }

  @Test
  void usageErrorsExit64WithAMessage() {
    assertThat(run().status()).isEqualTo(CheckCommand.EXIT_USAGE);
    Run r = run("--workload", "bank-transfers", "x.edn");
    assertThat(r.status()).isEqualTo(CheckCommand.EXIT_USAGE);
    assertThat(r.err()).contains("unknown workload").contains("usage:");
    assertThat(run("--workload", "list-append", "--model", "nonsense", "x.edn").status())
        .isEqualTo(CheckCommand.EXIT_USAGE);
    assertThat(run("--workload", "list-append").err()).contains("no history file");
  }

  @Test
  void malformedHistoryNamesTheLine() {
    Run r = run("--workload", "list-append", resource("broken.edn"));
    assertThat(r.status()).isEqualTo(CheckCommand.EXIT_DATA);
    assertThat(r.err()).contains("line 2").contains(":done");
  }

  private static String etcd(String name) {
    return LinearizabilityConformanceTest.suite().resolve(name).toString();
  }

  @Test
  void registerWorkloadChecksLinearizabilityOfAJepsenLog() {
    Run ok = run("check", "--workload", "register", "--model", "linearizable", etcd("etcd_002.log"));
    assertThat(ok.status()).isEqualTo(CheckCommand.EXIT_VALID);
    assertThat(((Map<?, ?>) Json.read(ok.out().strip())).get("valid")).isEqualTo(Boolean.TRUE);

    Run bad = run("--workload", "register", "--format", "jepsen-log", etcd("etcd_000.log"));
    assertThat(bad.status()).isEqualTo(CheckCommand.EXIT_INVALID);
    Map<?, ?> json = (Map<?, ?>) Json.read(bad.out().strip());
    assertThat(json.get("anomaly-types")).isEqualTo(List.of("nonlinearizable"));
    assertThat(json.get("not")).isEqualTo(List.of("linearizable"));
    Map<?, ?> failure = (Map<?, ?>) ((List<?>) ((Map<?, ?>) json.get("anomalies"))
        .get("nonlinearizable")).get(0);
    assertThat(failure.get("key")).isNull();
    assertThat((String) failure.get("why")).startsWith("the register is not linearizable");
    assertThat(((List<?>) failure.get("ops")).contains(failure.get("op"))).isTrue();
  }

  @Test
  void registerSearchOutOfBudgetExitsTwo() {
    Run r = run("--workload", "register", "--search-budget", "5", etcd("etcd_000.log"));
    assertThat(r.status()).isEqualTo(CheckCommand.EXIT_UNKNOWN);
    Map<?, ?> json = (Map<?, ?>) Json.read(r.out().strip());
    assertThat(json.get("valid")).isEqualTo("unknown");
    assertThat(json.get("anomaly-types")).isEqualTo(List.of("linearization-search-timeout"));
  }

  @Test
  void registerWorkloadRejectsTransactionalOptions() {
    assertThat(run("--workload", "register", "--model", "serializable", "x.log").status())
        .isEqualTo(CheckCommand.EXIT_USAGE);
    assertThat(run("--workload", "register", "--linearizable-keys", "x.log").err())
        .contains("transactional workloads only");
    assertThat(run("--workload", "register", "--memo-budget-mb", "0", "x.log").err())
        .contains("positive integer");
    assertThat(run("--workload", "register", "--format", "xml", "x.log").err())
        .contains("unknown format");
  }

  @Test
  void bankHistoriesAreCheckedForTheTotalWithTheRunnersDefaultsOrTheGivenOnes(@TempDir Path dir) throws Exception {
    Path history = dir.resolve("bank.edn");
    Files.writeString(history, String.join("\n",
        "{:type :invoke, :f :read, :value nil, :process 0, :index 0}",
        "{:type :ok, :f :read, :value {0 40, 1 40}, :process 0, :index 1}",
        "{:type :invoke, :f :read, :value nil, :process 1, :index 2}",
        "{:type :ok, :f :read, :value {0 45, 1 40}, :process 1, :index 3}"));

    Run twoAccounts = run("check", "--workload", "bank", "--accounts", "2", "--total", "80", history.toString());
    assertThat(twoAccounts.status()).isEqualTo(CheckCommand.EXIT_INVALID);
    Map<?, ?> json = (Map<?, ?>) Json.read(twoAccounts.out().strip());
    assertThat(json.get("anomaly-types")).isEqualTo(List.of(BankChecker.WRONG_TOTAL));
    List<?> wrong = (List<?>) ((Map<?, ?>) json.get("anomalies")).get(BankChecker.WRONG_TOTAL);
    assertThat(wrong).hasSize(1);
    assertThat(((Map<?, ?>) wrong.get(0)).get("index")).isEqualTo(3L);

    // The runner's defaults are eight accounts: two are the wrong accounts.
    Run defaults = run("--workload", "bank", history.toString());
    assertThat(defaults.status()).isEqualTo(CheckCommand.EXIT_INVALID);
    assertThat(defaults.out()).contains(BankChecker.WRONG_ACCOUNTS);

    Files.writeString(history, "{:type :ok, :f :read, :value {0 40, 1 40}, :process 0, :index 1}");
    assertThat(run("--workload", "bank", "--accounts", "2", "--total", "80", history.toString()).status())
        .isEqualTo(CheckCommand.EXIT_VALID);
  }

  @Test
  void bankOptionsAreRefusedWhereTheyDoNotApply() {
    assertThat(run("--workload", "bank", "--model", "serializable", "x.edn").status())
        .isEqualTo(CheckCommand.EXIT_USAGE);
    assertThat(run("--workload", "list-append", "--total", "5", "x.edn").err())
        .contains("--accounts and --total apply to the bank workload only");
    assertThat(run("--workload", "bank", "--accounts", "0", "x.edn").status()).isEqualTo(CheckCommand.EXIT_USAGE);
    assertThat(run("--workload", "bank", "no-such-file.edn").status()).isEqualTo(CheckCommand.EXIT_NO_INPUT);
  }
}
