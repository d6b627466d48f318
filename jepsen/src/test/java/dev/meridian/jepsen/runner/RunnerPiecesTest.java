package dev.meridian.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.runtime.RandomSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerPiecesTest {

  private static final List<String> LAUNCHER = List.of("/opt/meridian/bin/meridian", "start");

  @Test
  void optionsParseWithDefaultsAndRefuseWhatCannotBeRun() {
    RunOptions options = RunOptions.parse(
        new String[] {"--workload", "list-append", "--nemesis", "kill,pause", "--time-limit", "90s", "--seed", "7"},
        LAUNCHER, 1);
    assertThat(options.nemeses()).containsExactlyInAnyOrder(RunOptions.NemesisKind.KILL, RunOptions.NemesisKind.PAUSE);
    assertThat(options.timeLimit()).isEqualTo(Duration.ofSeconds(90));
    assertThat(options.seed()).isEqualTo(7);
    assertThat(options.out()).isEqualTo(Path.of("jepsen-list-append-7"));
    assertThat(options.nodeHeap()).isEqualTo("512m");
    assertThat(RunOptions.parse(new String[] {"--workload", "rw-register", "--node-command", "java -Xmx256m Main start"},
        LAUNCHER, 1).nodeHeap()).isNull();

    assertThat(RunOptions.parse(new String[] {"--workload", "list-append", "--nodes", "3"}, LAUNCHER, 1).nodes())
        .isEqualTo(3);
    assertThatThrownBy(() -> RunOptions.parse(new String[] {"--workload", "list-append", "--nodes", "0"}, LAUNCHER, 1))
        .hasMessageContaining("--nodes takes 1 to 7");
    assertThat(RunOptions.parse(new String[] {"--workload", "bank", "--nemesis", "clock,kill"}, LAUNCHER, 1).nemeses())
        .containsExactlyInAnyOrder(RunOptions.NemesisKind.CLOCK, RunOptions.NemesisKind.KILL);
    assertThatThrownBy(() -> RunOptions.parse(new String[] {"--workload", "list-append", "--nemesis", "partition"},
        LAUNCHER, 1)).hasMessageContaining("not partition");
    assertThat(RunOptions.parse(new String[] {"--workload", "bank"}, LAUNCHER, 1).workload())
        .isEqualTo(RunOptions.WorkloadName.BANK);
    RunOptions register = RunOptions.parse(new String[] {"--workload", "register", "--seed", "4"}, LAUNCHER, 1);
    assertThat(register.workload()).isEqualTo(RunOptions.WorkloadName.REGISTER);
    assertThat(register.out()).isEqualTo(Path.of("jepsen-register-4"));
    assertThatThrownBy(() -> RunOptions.parse(new String[] {"--workload", "banking"}, LAUNCHER, 1))
        .hasMessageContaining("--workload must be list-append, rw-register, bank or register, not banking");
    assertThatThrownBy(() -> RunOptions.parse(new String[] {"--workload", "list-append"}, List.of(), 1))
        .hasMessageContaining("MERIDIAN_HOME");
    assertThatThrownBy(() -> RunOptions.parse(new String[] {"--workload", "list-append", "--time-limit", "9x"},
        LAUNCHER, 1)).hasMessageContaining("--time-limit takes");
  }

  @Test
  void onlyCertainlyUnappliedTransactionsAreFailures() {
    SQLException conflict = new SQLException("conflict", "40001");
    SQLException unknown = new SQLException("unknown", "40003");
    SQLException lost = new SQLException("lost", "08006");
    SQLException duplicate = new SQLException("duplicate", "23505");

    assertThat(Outcomes.ofFailure(lost, false)).isEqualTo(Outcomes.FAIL);
    assertThat(Outcomes.ofFailure(unknown, false)).isEqualTo(Outcomes.FAIL);
    assertThat(Outcomes.ofFailure(conflict, true)).isEqualTo(Outcomes.FAIL);
    assertThat(Outcomes.ofFailure(duplicate, true)).isEqualTo(Outcomes.FAIL);
    assertThat(Outcomes.ofFailure(unknown, true)).isEqualTo(Outcomes.INFO);
    assertThat(Outcomes.ofFailure(lost, true)).isEqualTo(Outcomes.INFO);
    assertThat(Outcomes.ofFailure(new SQLException("no state"), true)).isEqualTo(Outcomes.INFO);
    assertThat(Outcomes.connectionSuspect(lost)).isTrue();
    assertThat(Outcomes.connectionSuspect(conflict)).isFalse();
  }

  @Test
  void everyWrittenValueIsHandedOutOncePerKeyAndKeysRetire() {
    KeyPool pool = new KeyPool(2, 3);
    RandomSource random = RandomSource.seeded(3);
    Set<String> written = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      long[] write = pool.write(random);
      assertThat(written.add(write[0] + "=" + write[1])).as("value %s of key %s once", write[1], write[0]).isTrue();
      assertThat(write[1]).isBetween(1L, 3L);
    }
    assertThat(pool.everUsed()).hasSizeGreaterThanOrEqualTo(60 / 3);
  }

  @Test
  void storedListsParseBackToTheirElements() {
    assertThat(ListAppendWorkload.parse(",1,2,30")).containsExactly(1L, 2L, 30L);
    assertThat(ListAppendWorkload.parse("")).isEmpty();
  }

  @Test
  void theReportIsOnePageWithPlotsFaultBandsAndTheVerdict(@TempDir Path dir) throws Exception {
    RunOptions options = RunOptions.parse(new String[] {"--workload", "list-append", "--out", dir.toString()},
        LAUNCHER, 5);
    List<HistoryLog.Completion> completions = List.of(
        new HistoryLog.Completion(500_000_000L, 3_000_000L, Outcomes.OK),
        new HistoryLog.Completion(1_500_000_000L, 9_000_000L, Outcomes.FAIL),
        new HistoryLog.Completion(2_500_000_000L, 12_000_000L, Outcomes.INFO));
    List<HistoryLog.NemesisEvent> faults = List.of(
        new HistoryLog.NemesisEvent(1_000_000_000L, "kill", "n1"),
        new HistoryLog.NemesisEvent(2_000_000_000L, "start", "n1"));
    LocalNode node = new LocalNode("n1", LAUNCHER, null, dir.resolve("nodes/n1/data"), dir.resolve("nodes/n1/node.log"));
    CheckResult check = new CheckResult("true", List.of(), Map.of(), Set.of(), Set.of());
    Report.Summary summary = Report.summarize(completions, 3_000_000_000L);

    Report.write(dir, options, "true", check, null, summary, completions, faults, List.of(node));

    assertThat(summary.ok()).isEqualTo(1);
    assertThat(summary.fail()).isEqualTo(1);
    assertThat(summary.info()).isEqualTo(1);
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).contains("id=\"verdict\"", "valid: true", "id=\"latency-plot\"", "id=\"throughput-plot\"",
        "class=\"fault\"", "class=\"op-ok\"", "class=\"op-info\"", "href=\"nodes/n1/node.log\"");
    assertThat(html).as("self-contained").doesNotContain("<script", "src=", "href=\"http", "url(");
    assertThat(Files.readString(dir.resolve("results.json"))).contains("\"valid\":true", "\"ok\":1", "kill n1");
  }
}
