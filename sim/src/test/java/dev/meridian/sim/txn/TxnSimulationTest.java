package dev.meridian.sim.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sim.SimViolation;
import dev.meridian.sim.paxos.PlantedBug;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ranges on Paxos in the simulator as CI runs it: a handful of seeds on 3 nodes pass and exercise
 * what they claim to (commits, unknown outcomes, crashes, partitions); one seed twice gives one trace;
 * the planted bug {@link PlantedBug#SKIP_READ_VALIDATION} is caught by the strict serializability
 * check, and {@link PlantedBug#NEW_LEASEHOLDER_BELOW_OLD_LEASE} by the lease floor check; seeds
 * with the clients on the gateways (2PC across ranges, participants recovering stuck prepares) pass. Explore other seeds with {@code bin/meridian sim txn}.
 */
class TxnSimulationTest {

  @Test
  void aHandfulOfSeedsOnThreeNodesPassAndExerciseTheFaults() {
    List<String> failures = new ArrayList<>();
    long ok = 0;
    long info = 0;
    long fail = 0;
    long crashes = 0;
    long partitions = 0;
    long leases = 0;
    for (long seed = 1; seed <= 6; seed++) {
      TxnSimulation.Result result = TxnSimulation.run(seed, 3, PlantedBug.NONE, 0);
      if (!result.ok()) {
        failures.add("seed " + seed + ": " + result.violation().getMessage());
      }
      ok += result.counts().ok();
      info += result.counts().info();
      fail += result.counts().fail();
      crashes += result.counts().crashes();
      partitions += result.counts().partitions();
      leases += result.counts().leasesStarted();
    }
    assertThat(failures).isEmpty();
    assertThat(ok).as("committed or read transactions").isGreaterThan(500);
    assertThat(fail).as("conflicts and refusals").isGreaterThan(0);
    assertThat(info).as("unknown outcomes").isGreaterThan(0);
    assertThat(crashes).isGreaterThan(0);
    assertThat(partitions).isGreaterThan(0);
    assertThat(leases).as("leases started on the nodes up at the end").isGreaterThanOrEqualTo(6 * 3);
  }

  @Test
  void seedsThroughTheGatewaysPassAndRunTwoPhaseCommits() {
    List<String> failures = new ArrayList<>();
    long multiRange = 0;
    long info = 0;
    long crashes = 0;
    long splits = 0;
    for (long seed = 1; seed <= 5; seed++) {
      TxnSimulation.Result result = TxnSimulation.run(seed, 3, PlantedBug.NONE, TxnSimulation.Clients.GATEWAY, 0);
      if (!result.ok()) {
        failures.add("seed " + seed + ": " + result.violation().getMessage());
      }
      splits += result.counts().splits();
      multiRange += result.counts().multiRangeCommits();
      info += result.counts().info();
      crashes += result.counts().crashes();
    }
    assertThat(failures).isEmpty();
    assertThat(multiRange).as("transactions committed across ranges (2PC)").isGreaterThan(10);
    assertThat(info).as("unknown outcomes").isGreaterThan(0);
    assertThat(crashes).as("gateways crashed mid-transaction").isGreaterThan(0);
    assertThat(splits).as("ranges split under faults (the directory and every range converged after)").isGreaterThan(0);
  }

  @Test
  void bankSnapshotsSeeTheTotalAndTheSkippedValidationBreaksIt() {
    List<String> failures = new ArrayList<>();
    long ok = 0;
    for (long seed = 1; seed <= 4; seed++) {
      TxnSimulation.Result result = TxnSimulation.run(seed, 3, PlantedBug.NONE, TxnSimulation.Clients.GATEWAY,
          TxnSimulation.Workload.BANK, 0);
      if (!result.ok()) {
        failures.add("seed " + seed + ": " + result.violation().getMessage());
      }
      ok += result.counts().ok();
    }
    assertThat(failures).isEmpty();
    assertThat(ok).as("transfers and snapshots that completed").isGreaterThan(50);
    TxnSimulation.Result planted = TxnSimulation.run(2, 3, PlantedBug.SKIP_READ_VALIDATION,
        TxnSimulation.Clients.GATEWAY, TxnSimulation.Workload.BANK, 0);
    assertThat(planted.ok()).as("bank seed 2 with read validation skipped").isFalse();
    assertThat(planted.violation().getMessage()).contains("strong snapshot").contains("not 600");
  }

  @Test
  void theGatewaysListAppendCatchesTheSkippedValidation() {
    assertThat(TxnSimulation.run(2, 3, PlantedBug.NONE, TxnSimulation.Clients.GATEWAY, 0).ok()).isTrue();
    TxnSimulation.Result planted = TxnSimulation.run(2, 3, PlantedBug.SKIP_READ_VALIDATION,
        TxnSimulation.Clients.GATEWAY, 0);
    assertThat(planted.ok()).isFalse();
    assertThat(planted.violation().kind()).isEqualTo(SimViolation.Kind.APPLY);
  }

  @Test
  void oneSeedGivesOneTrace() {
    TxnSimulation.Result first = TxnSimulation.run(3, 3, PlantedBug.NONE, 0);
    TxnSimulation.Result second = TxnSimulation.run(3, 3, PlantedBug.NONE, 0);
    assertThat(second.traceHash()).isEqualTo(first.traceHash());
    assertThat(second.summary()).isEqualTo(first.summary());
  }

  @Test
  void skippingReadValidationIsCaughtAsANonSerializableHistory() {
    TxnSimulation.Result clean = TxnSimulation.run(2, 3, PlantedBug.NONE, 0);
    assertThat(clean.ok()).as("seed 2 without the bug").isTrue();
    TxnSimulation.Result planted = TxnSimulation.run(2, 3, PlantedBug.SKIP_READ_VALIDATION, 0);
    assertThat(planted.ok()).isFalse();
    assertThat(planted.violation().kind()).isEqualTo(SimViolation.Kind.APPLY);
    assertThat(planted.violation().getMessage()).contains("not strictly serializable").contains("G-single-item");
  }

  @Test
  void aNewLeaseholderBelowTheOldLeaseEndIsCaught() {
    // Seed 152 on 3 nodes through the gateways (896 on direct clients before splits changed the
    // traces): a new leaseholder starts at its own now.latest, below a read the old one served from a
    // clock ahead. The bug is rare per seed (the next lease's floor is usually lifted by a commit);
    // a smarter transfer nemesis is on branch work not landed yet.
    assertThat(TxnSimulation.run(152, 3, PlantedBug.NONE, TxnSimulation.Clients.GATEWAY, 0).ok())
        .as("seed 152 without the bug").isTrue();
    TxnSimulation.Result planted =
        TxnSimulation.run(152, 3, PlantedBug.NEW_LEASEHOLDER_BELOW_OLD_LEASE, TxnSimulation.Clients.GATEWAY, 0);
    assertThat(planted.ok()).isFalse();
    assertThat(planted.violation().kind()).isEqualTo(SimViolation.Kind.LEASE);
    assertThat(planted.violation().getMessage()).contains("starts at floor").contains("below a read");
  }

  @Test
  void staleReadsAreServedByFollowersAndServingAboveTheSafeTimeIsCaught() {
    List<String> failures = new ArrayList<>();
    for (long seed = 1; seed <= 4; seed++) {
      TxnSimulation.Result result = TxnSimulation.run(seed, 3, PlantedBug.NONE, TxnSimulation.Clients.GATEWAY,
          TxnSimulation.Workload.STALE_READS, 0);
      if (!result.ok()) {
        failures.add("seed " + seed + ": " + result.violation().getMessage());
      }
      assertThat(result.summary()).doesNotContain("closed-snapshots=0");
    }
    assertThat(failures).isEmpty();
    // Seed 2: a lagging replica serves a stale read above its safe time, missing a commit below it.
    TxnSimulation.Result planted = TxnSimulation.run(2, 3, PlantedBug.SERVE_ABOVE_SAFE_TIME,
        TxnSimulation.Clients.GATEWAY, TxnSimulation.Workload.STALE_READS, 0);
    assertThat(planted.ok()).as("stale-reads seed 2 serving above the safe time").isFalse();
    assertThat(planted.violation().kind()).isEqualTo(SimViolation.Kind.APPLY);
    assertThat(planted.violation().getMessage()).contains("but the state holds");
  }
}
