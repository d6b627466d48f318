package dev.meridian.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        SimCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void passingSeedsExitZero() {
    Run run = run("paxos", "--seeds", "3", "--first-seed", "100", "--nodes", "5");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("seeds=3 failures=0\n");
  }

  @Test
  void aFailingSeedPrintsItsReplayCommandAndExitsNonZero() {
    Run run = run("paxos", "--seeds", "1", "--first-seed", "44", "--bug", "lease-wait-ignores-uncertainty");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAIL seed=44 nodes=3 LEASE")
        .contains("replay: bin/meridian sim paxos --seeds 1 --first-seed 44 --nodes 3 --bug lease-wait-ignores-uncertainty")
        .endsWith("seeds=1 failures=1\n");
  }

  @Test
  void progressGoesToStandardError() {
    Run run = run("paxos", "--seeds", "100", "--first-seed", "7");
    assertThat(run.err()).contains("100/100 seeds");
    assertThat(run.out()).endsWith("seeds=100 failures=0\n");
  }

  @Test
  void txnRunsRangesOnPaxosAndNamesItInTheReplayCommand() {
    assertThat(run("txn", "--seeds", "2", "--first-seed", "1").out()).isEqualTo("seeds=2 failures=0\n");
    Run planted = run("txn", "--seeds", "1", "--first-seed", "2", "--bug", "skip-read-validation");
    assertThat(planted.exit()).isEqualTo(1);
    assertThat(planted.out())
        .contains("FAIL seed=2 nodes=3 APPLY")
        .contains("replay: bin/meridian sim txn --seeds 1 --first-seed 2 --nodes 3 --bug skip-read-validation");
  }

  @Test
  void badArgumentsExitTwo() {
    assertThat(run("paxos", "--bug", "skip-read-validation").exit()).isEqualTo(2);
    assertThat(run("paxos", "--bug", "new-leaseholder-below-old-lease").exit()).isEqualTo(2);
    assertThat(run("paxos", "--nodes", "4").exit()).isEqualTo(2);
    assertThat(run("raft").exit()).isEqualTo(2);
    assertThat(run("paxos", "--bogus").exit()).isEqualTo(2);
  }
}
