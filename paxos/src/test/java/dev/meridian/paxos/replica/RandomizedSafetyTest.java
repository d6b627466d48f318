package dev.meridian.paxos.replica;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded runs of 3 and 5 replicas over a hostile bus: random delivery order, loss, duplication,
 * partitions, crashes that lose unpersisted state (or persist and then lose the sends), restarts,
 * compaction and leadership transfers, with clocks that disagree within TrueTime's bound. Fault
 * probabilities are drawn per run (swarm testing). {@link TestCluster} checks safety after every
 * action; after the faults stop, the cluster must elect a leader and commit on every replica.
 *
 * <p>A failure names the run's seed; replay one run with {@code
 * -Dtest=RandomizedSafetyTest#replayedSeedIsDeterministic -Dmeridian.paxos.seed=N}.
 */
class RandomizedSafetyTest {

  record Run(long seed, int size) {
    @Override
    public String toString() {
      return "run seed=" + seed + " size=" + size + " (replay: ./mvnw -pl paxos test"
          + " -Dtest='RandomizedSafetyTest#replayedSeedIsDeterministic' -Dmeridian.paxos.seed=" + seed
          + " -Dmeridian.paxos.size=" + size + ")";
    }
  }

  static final Options OPTIONS = new Options(10, 2, 1_000_000, 4, 16, 8);
  static final long TICK_MICROS = 100_000;

  /** Totals over the runs of one test, so a run that exercises nothing cannot pass unnoticed. */
  static final class Coverage {
    long chosenSlots;
    long leaseHolders;
    long snapshotsInstalled;
    long runs;
  }

  static Coverage coverage = new Coverage();

  @Test
  void threeReplicas() {
    coverage = new Coverage();
    PropertyCheck.forAll(250, r -> new Run(r.nextLong(), 3), RandomizedSafetyTest::simulate);
    assertExercised(250);
  }

  @Test
  void fiveReplicas() {
    coverage = new Coverage();
    PropertyCheck.forAll(150, r -> new Run(r.nextLong(), 5), RandomizedSafetyTest::simulate);
    assertExercised(150);
  }

  private static void assertExercised(int runs) {
    System.out.printf("paxos sim: %d runs, %d slots chosen, %d lease-holding ballots, %d snapshots installed%n",
        coverage.runs, coverage.chosenSlots, coverage.leaseHolders, coverage.snapshotsInstalled);
    if (coverage.runs != runs || coverage.chosenSlots < runs * 10L || coverage.leaseHolders < runs * 2L
        || coverage.snapshotsInstalled < runs / 10) {
      throw new AssertionError("the simulation exercised too little to mean anything");
    }
  }

  /**
   * One seed run twice must give the same trace (determinism), and the run must be safe and make
   * progress, as every run of the sweeps. The seed is {@code -Dmeridian.paxos.seed=N} (and {@code
   * -Dmeridian.paxos.size}) when replaying one a sweep reported, else a fixed one; if the run fails
   * or the two traces part, the end of the trace is printed ({@code -Dmeridian.paxos.traceLines}, 60
   * lines by default) so the replay shows what led there.
   */
  @Test
  void replayedSeedIsDeterministic() {
    Run run = new Run(Long.decode(System.getProperty("meridian.paxos.seed", "42")),
        Integer.getInteger("meridian.paxos.size", 3));
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    try {
      simulate(run, first);
    } catch (RuntimeException | AssertionError e) {
      printTail(first, first.size());
      throw e;
    }
    simulate(run, second);
    int parted = 0;
    while (parted < Math.min(first.size(), second.size()) && first.get(parted).equals(second.get(parted))) {
      parted++;
    }
    if (parted != first.size() || parted != second.size()) {
      printTail(first, parted + 1);
      throw new AssertionError(run + ": two runs of one seed parted at trace line " + parted + ": "
          + (parted < first.size() ? first.get(parted) : "<end>") + " vs "
          + (parted < second.size() ? second.get(parted) : "<end>"));
    }
  }

  private static void printTail(List<String> trace, int through) {
    int end = Math.min(through, trace.size());
    int from = Math.max(0, end - Integer.getInteger("meridian.paxos.traceLines", 60));
    trace.subList(from, end).forEach(System.out::println);
  }

  static void simulate(Run run) {
    simulate(run, null);
  }

  static void simulate(Run run, List<String> trace) {
    RandomSource random = RandomSource.seeded(run.seed());
    TestCluster cluster = new TestCluster(OPTIONS, random.fork(), 1_000_000_000L);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 1; i <= run.size(); i++) {
      ids.add(new NodeId(i));
    }
    Membership membership = new Membership(ids, List.of());
    long epsilon = Gen.between(random, 0, 20_000);
    for (NodeId id : ids) {
      cluster.addNode(id.value(), membership, Gen.between(random, -epsilon, epsilon), epsilon);
    }
    cluster.quorumForChosenCheck = membership.quorum();

    double lossRate = random.nextDouble() * 0.3;
    double duplicateRate = random.nextDouble() * 0.2;
    double crashRate = random.nextDouble() * 0.01;
    double partitionRate = random.nextDouble() * 0.01;
    int steps = run.size() == 3 ? 1500 : 3500;
    int proposals = 0;
    for (int step = 0; step < steps; step++) {
      double action = random.nextDouble();
      NodeId node = ids.get(random.nextInt(ids.size()));
      if (action < 0.35) {
        if (!cluster.bus.isEmpty()) {
          int index = random.nextInt(cluster.bus.size());
          Envelope envelope =
              random.chance(duplicateRate) ? cluster.bus.get(index) : cluster.bus.remove(index);
          if (!random.chance(lossRate)) {
            cluster.deliver(envelope);
            log(trace, "deliver " + envelope);
          }
        }
      } else if (action < 0.6) {
        Ready ready = cluster.processReady(node);
        if (ready != null && trace != null) {
          log(trace, "ready " + node + " " + cluster.replica(node).status());
        }
      } else if (action < 0.72) {
        cluster.clock.advanceMicros(TICK_MICROS);
        for (NodeId id : ids) {
          if (cluster.alive(id)) {
            cluster.replica(id).tick();
          }
        }
        log(trace, "tick");
      } else if (action < 0.85) {
        if (cluster.alive(node)) {
          String value = "v" + (++proposals);
          Object result = cluster.replica(node).propose(value.getBytes(StandardCharsets.UTF_8));
          log(trace, "propose " + node + " " + value + " -> " + result);
        }
      } else if (action < 0.85 + crashRate) {
        if (random.chance(0.5)) {
          cluster.crash(node);
        } else {
          cluster.persistThenCrash(node);
        }
        log(trace, "crash " + node);
      } else if (action < 0.9) {
        cluster.restart(node);
      } else if (action < 0.91) {
        cluster.compact(node);
      } else if (action < 0.915) {
        if (cluster.alive(node)) {
          Object result = cluster.replica(node).transferLeadership(ids.get(random.nextInt(ids.size())));
          log(trace, "transfer at " + node + " -> " + result);
        }
      } else if (action < 0.915 + partitionRate) {
        cluster.side.clear();
        for (NodeId id : ids) {
          cluster.side.put(id, random.nextInt(2));
        }
      } else if (action < 0.93) {
        cluster.side.clear();
      }
      cluster.checkLeases();
      log(trace, "t=" + cluster.clock.wallClockMicros());
    }

    // Faults stop: everyone up, connected, no loss. The cluster must converge and make progress.
    cluster.side.clear();
    for (NodeId id : ids) {
      cluster.restart(id);
    }
    String last = null;
    ProposeResult lastResult = null;
    long committedEverywhere = -1;
    for (int round = 0; round < 400 && committedEverywhere < 0; round++) {
      for (NodeId id : ids) {
        while (cluster.processReady(id) != null) {
          // drain
        }
      }
      for (Envelope envelope : cluster.take(e -> true)) {
        cluster.deliver(envelope);
      }
      if (round % 3 == 0) {
        cluster.clock.advanceMicros(TICK_MICROS);
        for (NodeId id : ids) {
          cluster.replica(id).tick();
        }
      }
      cluster.checkLeases();
      for (NodeId id : ids) {
        PaxosReplica replica = cluster.replica(id);
        if (last == null && replica.isActiveLeader()) {
          String value = "final-" + round;
          lastResult = replica.propose(value.getBytes(StandardCharsets.UTF_8));
          if (lastResult instanceof ProposeResult.Proposed) {
            last = value;
          }
        }
      }
      if (last != null) {
        String wanted = last;
        boolean everywhere =
            ids.stream().allMatch(id -> cluster.node(id).disk.stateMachine.containsValue(wanted));
        // (Retried values differ, so "everywhere" means one attempt reached every replica.)
        if (everywhere) {
          committedEverywhere = round;
        } else if (round % 40 == 39) {
          // A proposal may be lost with its leader; a client would retry, so do we.
          last = null;
        }
      }
    }
    coverage.runs++;
    coverage.chosenSlots += cluster.chosen.size();
    coverage.leaseHolders += cluster.leaseHolders();
    coverage.snapshotsInstalled += cluster.snapshotsInstalled;
    if (committedEverywhere < 0) {
      StringBuilder state = new StringBuilder();
      for (NodeId id : ids) {
        state.append("\n  ").append(cluster.replica(id));
      }
      throw new AssertionError("no progress after the faults stopped (proposed " + last + ": " + lastResult + ")" + state);
    }
  }

  private static void log(List<String> trace, String line) {
    if (trace != null) {
      trace.add(line);
    }
  }
}
