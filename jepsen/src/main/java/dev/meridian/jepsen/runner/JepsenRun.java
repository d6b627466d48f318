package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.runtime.RandomSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One Jepsen-style run, black box: start the nodes, create the workload's tables, run the clients
 * (spread over the nodes) with the nemesis for the time limit, heal every fault, let the nodes
 * recover, read every key once more, check the history, write the report, stop the nodes.
 *
 * <p>The verdict is the checker's, with one exception: when the run itself could not do what it
 * promised (a fault it could not heal, final reads that never succeeded), the verdict is
 * {@code unknown} with a note, since a history that was not completed proves nothing either way.
 */
final class JepsenRun {

  /** How long final reads keep trying after the faults heal. */
  private static final long FINAL_READ_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Final reads run as processes from here up, far above any client's (which grow by the concurrency). */
  private static final int FINAL_READ_FIRST_PROCESS = 1_000_000;

  /** The outcome: the checker's verdict (possibly overridden to unknown) and the summary. */
  record Outcome(String valid, CheckResult check, String note, Report.Summary summary) {}

  private final RunOptions options;
  private final PrintStream progress;

  private static final String ALLOW_FAULT_INJECTION = "--allow-fault-injection";

  JepsenRun(RunOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  Outcome run() throws IOException, InterruptedException {
    Path out = options.out();
    Files.createDirectories(out);
    Workload workload = switch (options.workload()) {
      case LIST_APPEND -> new ListAppendWorkload();
      case RW_REGISTER -> new RwRegisterWorkload();
      case BANK -> new BankWorkload();
      case REGISTER -> new RegisterWorkload();
    };
    List<String> nodeCommand = new ArrayList<>(options.nodeCommand());
    if (options.nemeses().contains(RunOptions.NemesisKind.CLOCK) && !nodeCommand.contains(ALLOW_FAULT_INJECTION)) {
      // The clock nemesis changes a node's physical clock through its admin port (/fault/clock),
      // which a node serves only when started with this flag.
      nodeCommand.add(ALLOW_FAULT_INJECTION);
    }
    List<LocalNode> nodes = new ArrayList<>();
    List<Integer> clusterPorts = options.nodes() > 1 ? freePorts(options.nodes()) : List.of();
    String join = String.join(",", clusterPorts.stream().map(port -> "127.0.0.1:" + port).toList());
    for (int i = 1; i <= options.nodes(); i++) {
      Path nodeDir = out.resolve("nodes").resolve("n" + i);
      // Several nodes form one cluster: node i in region r<i>, all joined to all.
      List<String> clusterFlags = clusterPorts.isEmpty() ? List.of() : List.of("--node-id", String.valueOf(i),
          "--region", "r" + i, "--port", String.valueOf(clusterPorts.get(i - 1)), "--join", join);
      nodes.add(new LocalNode("n" + i, nodeCommand, options.nodeHeap(), nodeDir.resolve("data"),
          nodeDir.resolve("node.log"), clusterFlags));
    }
    RandomSource random = RandomSource.seeded(options.seed());
    try {
      if (clusterPorts.isEmpty()) {
        LocalNode node = nodes.getFirst();
        progress.println("jepsen: starting " + node.name() + " in " + node.dataDir());
        node.start();
      } else {
        for (LocalNode node : nodes) {
          progress.println("jepsen: starting " + node.name() + " in " + node.dataDir());
          node.startWaitingForInit();
        }
        progress.println("jepsen: " + initCluster(nodeCommand, clusterPorts.getFirst()));
        for (LocalNode node : nodes) {
          node.awaitServing();
        }
      }
      for (LocalNode node : nodes) {
        progress.println("jepsen: " + node.name() + " serves " + node.jdbcUrl());
      }
      setUp(workload, nodes.getFirst());
      long startNanos = System.nanoTime();
      long stopAtNanos = startNanos + options.timeLimit().toNanos();
      Path historyFile = out.resolve("history.edn");
      String note = null;
      List<HistoryLog.Completion> completions;
      List<HistoryLog.NemesisEvent> faults;
      try (HistoryLog history = new HistoryLog(historyFile, startNanos)) {
        Nemesis nemesis = options.nemeses().isEmpty() ? null
            : new Nemesis(List.copyOf(options.nemeses()), nodes, history, random.fork(), stopAtNanos);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < options.concurrency(); p++) {
          LocalNode node = nodes.get(p % nodes.size());
          Client client = new Client(workload, history, node.jdbcUrl(), random.fork(), p, options.concurrency(),
              options.ratePerSecond(), stopAtNanos);
          threads.add(Thread.ofPlatform().name("client-" + p).start(client));
        }
        Thread nemesisThread = nemesis == null ? null : Thread.ofPlatform().name("nemesis").start(nemesis);
        progress.println("jepsen: " + options.concurrency() + " clients, " + options.workload().cliName()
            + ", nemesis " + (nemesis == null ? "none" : options.nemeses()) + ", for " + options.timeLimit().toSeconds()
            + " s");
        reportProgress(history, stopAtNanos, startNanos);
        for (Thread thread : threads) {
          // A client's last request is bounded by the driver's response timeout.
          thread.join(TimeUnit.SECONDS.toMillis(60));
          if (thread.isAlive()) {
            note = "a client did not stop within 60 s of the time limit";
          }
        }
        if (nemesisThread != null) {
          nemesisThread.join(TimeUnit.SECONDS.toMillis(60));
          if (nemesis.failure() != null) {
            note = "the nemesis failed: " + nemesis.failure().getMessage();
          }
          progress.println("jepsen: healing every fault");
          nemesis.healAll();
        }
        if (!finalReads(workload, history, nodes)) {
          note = "the final reads did not succeed within " + TimeUnit.NANOSECONDS.toSeconds(FINAL_READ_BUDGET_NANOS)
              + " s of healing";
        }
        completions = history.completions();
        faults = history.nemesisEvents();
      }
      long durationNanos = System.nanoTime() - startNanos;
      progress.println("jepsen: checking " + historyFile);
      CheckResult check = workload.check(historyFile);
      String valid = note == null || check.valid().equals("false") ? check.valid() : "unknown";
      Report.Summary summary = Report.summarize(completions, durationNanos);
      Report.write(out, options, valid, check, note, summary, completions, faults, nodes);
      return new Outcome(valid, check, note, summary);
    } finally {
      for (LocalNode node : nodes) {
        node.close();
      }
    }
  }

  /**
   * {@code meridian init --host 127.0.0.1:PORT} with the node command's launcher (what comes before
   * its {@code start}); returns what init printed.
   */
  static String initCluster(List<String> nodeCommand, int port) throws IOException, InterruptedException {
    int start = nodeCommand.indexOf("start");
    if (start < 0) {
      throw new IOException("the node command " + nodeCommand + " has no 'start': cannot tell how to run init");
    }
    List<String> init = new ArrayList<>(nodeCommand.subList(0, start));
    init.addAll(List.of("init", "--host", "127.0.0.1:" + port));
    Process process = new ProcessBuilder(init).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("meridian init failed: " + output.strip());
    }
    return output.lines().filter(line -> line.contains("initialized")).findFirst().orElse(output.strip());
  }

  /** {@code count} ports free now (each bound once and released). */
  private static List<Integer> freePorts(int count) throws IOException {
    List<java.net.ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new java.net.ServerSocket(0));
      }
      return sockets.stream().map(java.net.ServerSocket::getLocalPort).toList();
    } finally {
      for (java.net.ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private void setUp(Workload workload, LocalNode node) throws InterruptedException, IOException {
    SQLException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try (Connection c = DriverManager.getConnection(node.jdbcUrl() + Client.CONNECTION_PROPERTIES)) {
        workload.setUp(c);
        c.setAutoCommit(false);
        try (Workload.Session session = workload.open(c)) {
          for (Workload.Operation op : workload.warmUp()) {
            try {
              session.perform(op);
            } catch (Workload.Declined e) {
              // Declining is part of what is warmed up.
            }
            c.rollback();
          }
        }
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw new IOException("cannot create the workload's tables on " + node.name() + ": " + last.getMessage(), last);
  }

  /** Prints a line every 10 s until the clients stop: how many operations ended how. */
  private void reportProgress(HistoryLog history, long stopAtNanos, long startNanos) throws InterruptedException {
    while (System.nanoTime() < stopAtNanos) {
      TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.SECONDS.toNanos(10), stopAtNanos - System.nanoTime()));
      Map<String, Integer> counts = new TreeMap<>();
      for (HistoryLog.Completion c : history.completions()) {
        counts.merge(c.type(), 1, Integer::sum);
      }
      progress.printf("jepsen: %3d s  %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), counts);
    }
  }

  /**
   * Runs each final-read transaction until it succeeds or the budget runs out, as processes of their
   * own; every attempt is in the history like any other operation. True if all succeeded.
   */
  private boolean finalReads(Workload workload, HistoryLog history, List<LocalNode> nodes) throws InterruptedException {
    long deadline = System.nanoTime() + FINAL_READ_BUDGET_NANOS;
    int process = FINAL_READ_FIRST_PROCESS;
    for (Workload.Operation reads : workload.finalReads()) {
      while (true) {
        if (System.nanoTime() >= deadline) {
          return false;
        }
        LocalNode node = nodes.get(process % nodes.size());
        Client reader = new Client(workload, history, node.jdbcUrl(), RandomSource.seeded(process), process, 1, 1, 0);
        String type = reader.runOne(reads);
        reader.closeConnection();
        // Each attempt is a process of its own, whatever its outcome, so none is ever reused.
        process++;
        if (type.equals(Outcomes.OK)) {
          break;
        }
        Thread.sleep(500);
      }
    }
    return true;
  }
}
