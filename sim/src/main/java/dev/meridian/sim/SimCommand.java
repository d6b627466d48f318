package dev.meridian.sim;

import dev.meridian.sim.paxos.PaxosSimulation;
import dev.meridian.sim.paxos.PlantedBug;
import dev.meridian.sim.txn.TxnSimulation;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code meridian sim}: runs seeded simulations and reports the failing seeds, each with the command
 * that replays it.
 *
 * <pre>
 * sim paxos --seeds N [--first-seed S] [--nodes 3|5] [--bug NAME] [--trace K] [--verbose]
 * sim txn   --seeds N [--first-seed S] [--nodes 3|5] [--clients gateway|direct] [--workload list-append|bank|stale-reads] [--bug NAME] [--trace K] [--verbose]
 * </pre>
 *
 * {@code paxos} runs Paxos groups alone ({@link PaxosSimulation}); {@code txn} runs ranges hosted
 * on Paxos with a list-append workload checked for strict serializability ({@link TxnSimulation}),
 * its clients going through each node's gateway (transactions over up to 3 ranges, 2PC) or, with
 * {@code --clients direct}, straight to one range's leaseholder (M5's one-range path); {@code
 * --workload bank} runs transfers across ranges and strong snapshots of every account instead,
 * each of which must see the exact total; {@code --workload stale-reads} mixes read-only
 * transactions into list-append (strong, exact and bounded staleness, served by the nearest
 * replica where it can), each read checked against the converged state at its timestamp.
 *
 * Seeds {@code S, S+1, ..., S+N-1} are run in order (default {@code S = 1}: the simulator reads no
 * clock, so a fresh random seed is the caller's to pick, e.g. {@code --first-seed $RANDOM$RANDOM}).
 * Prints one line per failing seed and ends with {@code seeds=N failures=F}; exits 1 if any seed
 * failed, 2 on bad arguments. Progress goes to stderr every 100 seeds. {@code --trace K} prints the
 * last K events of each failing run (use it when replaying one seed); {@code --verbose} prints every
 * run's fault parameters, summary and trace hash. {@code --bug} plants a bug on purpose ({@link
 * PlantedBug}), to see the checks catch it.
 */
public final class SimCommand {

  private SimCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("paxos") || args[0].equals("txn"))) {
      err.println(usage());
      return 2;
    }
    long seeds = 1;
    long firstSeed = 1;
    int nodes = 3;
    PlantedBug bug = PlantedBug.NONE;
    int traceLines = 0;
    boolean verbose = false;
    TxnSimulation.Clients clients = TxnSimulation.Clients.GATEWAY;
    TxnSimulation.Workload workload = TxnSimulation.Workload.LIST_APPEND;
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--seeds" -> seeds = Long.parseLong(args[++i]);
          case "--first-seed" -> firstSeed = Long.parseLong(args[++i]);
          case "--nodes" -> nodes = Integer.parseInt(args[++i]);
          case "--bug" -> bug = PlantedBug.valueOf(args[++i].toUpperCase(Locale.ROOT).replace('-', '_'));
          case "--trace" -> traceLines = Integer.parseInt(args[++i]);
          case "--verbose" -> verbose = true;
          case "--workload" -> workload = TxnSimulation.Workload.valueOf(args[++i].toUpperCase(Locale.ROOT).replace('-', '_'));
          case "--clients" -> clients = TxnSimulation.Clients.valueOf(args[++i].toUpperCase(Locale.ROOT));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (seeds < 1 || (nodes != 3 && nodes != 5) || traceLines < 0) {
        throw new IllegalArgumentException("need --seeds >= 1, --nodes 3 or 5, --trace >= 0");
      }
      if ((bug == PlantedBug.SKIP_READ_VALIDATION || bug == PlantedBug.NEW_LEASEHOLDER_BELOW_OLD_LEASE
          || bug == PlantedBug.SERVE_ABOVE_SAFE_TIME) && !args[0].equals("txn")) {
        throw new IllegalArgumentException("--bug " + args[java.util.Arrays.asList(args).indexOf("--bug") + 1]
            + " plants a bug in the range hosts: sim txn only");
      }
    } catch (RuntimeException e) {
      err.println("sim: " + e.getMessage() + "\n" + usage());
      return 2;
    }

    String mode = args[0];
    long failures = 0;
    for (long k = 0; k < seeds; k++) {
      long seed = firstSeed + k;
      Outcome result = mode.equals("txn")
          ? Outcome.of(TxnSimulation.run(seed, nodes, bug, clients, workload, traceLines))
          : Outcome.of(PaxosSimulation.run(seed, nodes, bug, traceLines));
      if (verbose) {
        out.printf("seed %d: %s hash=%016x%n  faults: %s%n  run: %s%n", seed, result.ok() ? "ok" : "FAIL",
            result.traceHash(), result.swarm(), result.summary());
      }
      if (!result.ok()) {
        failures++;
        out.printf("FAIL seed=%d nodes=%d %s%n  replay: bin/meridian sim %s --seeds 1 --first-seed %d --nodes %d%s%s%s --trace 200%n",
            seed, nodes, result.violation().getMessage(), mode, seed, nodes,
            mode.equals("txn") && workload != TxnSimulation.Workload.LIST_APPEND
                ? " --workload " + workload.name().toLowerCase(Locale.ROOT).replace('_', '-') : "",
            mode.equals("txn") && clients == TxnSimulation.Clients.DIRECT ? " --clients direct" : "",
            bug == PlantedBug.NONE ? "" : " --bug " + bug.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        for (String line : result.traceTail()) {
          out.println("    " + line);
        }
      }
      if ((k + 1) % 100 == 0) {
        err.printf("sim %s: %d/%d seeds, %d failures%n", mode, k + 1, seeds, failures);
      }
    }
    out.printf("seeds=%d failures=%d%n", seeds, failures);
    return failures == 0 ? 0 : 1;
  }

  /** What the command prints of one run, whichever simulation it was. */
  private record Outcome(boolean ok, long traceHash, String swarm, String summary, SimViolation violation,
      java.util.List<String> traceTail) {
    static Outcome of(PaxosSimulation.Result r) {
      return new Outcome(r.ok(), r.traceHash(), r.swarm(), r.summary(), r.violation(), r.traceTail());
    }

    static Outcome of(TxnSimulation.Result r) {
      return new Outcome(r.ok(), r.traceHash(), r.swarm(), r.summary(), r.violation(), r.traceTail());
    }
  }

  private static String usage() {
    return "usage: sim paxos|txn --seeds N [--first-seed S] [--nodes 3|5] [--clients gateway|direct]"
        + " [--workload list-append|bank|stale-reads] [--bug NAME] [--trace K] [--verbose]";
  }
}
