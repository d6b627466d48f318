package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console (DESIGN §9) in a real browser, against a real node: headless Chromium loads {@code
 * http://node:admin-port/} while a client writes, and every panel must show data — the nodes and
 * ranges tables filled, each chart with at least {@value #MIN_POINTS} points. Then the node is
 * killed with SIGKILL, and the page, still open, must say so: the node marked unreachable and the
 * banner shown. Screenshots of the live console and of it after the kill are kept ({@code
 * target/e2e/console-screenshot.png} and {@code console-unreachable.png} beside it, or where {@code
 * -Dmeridian.console.screenshot} says).
 *
 * <p>Also {@code meridian status --host}, as a child process, on the same kind of node: the table
 * lists the node with its region, liveness and epsilon, and the range with its leaseholder; {@code
 * --json} is the cluster view itself.
 *
 * <p>The waits are bounded polls for a state, not timings: the page polls every 250 ms here, so
 * a few points take about a second; the deadlines are generous for a loaded machine.
 */
class ConsoleIT {

  /** Points each chart must have: more than one, so a line is drawn from successive answers. */
  static final int MIN_POINTS = 3;

  /** Points the charts have when the screenshot is taken. */
  static final int SCREENSHOT_POINTS = 20;

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Every panel with its {@code data-state} and, for charts, {@code data-points}. */
  private static final String PANELS = "[...document.querySelectorAll('section[data-panel]')]"
      + ".map(s => s.dataset.panel + '=' + s.dataset.state + ':' + (s.dataset.points || '-')).join(' ')";

  @TempDir Path work;

  @Test
  void everyPanelHasDataAndAKilledNodeIsMarkedUnreachable() throws Exception {
    NodeProcess node = NodeProcess.start(work.resolve("node"), "--region", "eu-west", "--zone", "eu-west-1a");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong writes = new AtomicLong();
    Thread writer = null;
    Thread conflicter = null;
    Connection conflicting = null;
    Connection connection = Jdbc.connect(node);
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE hits (id BIGINT PRIMARY KEY, n INT)");
      }
      writer = Thread.ofPlatform().name("console-it-writer").start(() -> write(connection, writing, writes));
      conflicting = Jdbc.connect(node);
      Connection second = conflicting;
      conflicter = Thread.ofPlatform().name("console-it-conflicter").start(() -> increment(second, writing));
      String url = node.adminUrl() + "?interval=250";
      try (HeadlessChromium chromium = HeadlessChromium.open(url, work.resolve("chromium-profile"), 1280, 1180)) {
        Map<String, String> panels = awaitPanels(chromium, ConsoleIT::allHaveData);
        assertThat(panels).as("panels").containsOnlyKeys("nodes", "ranges", "tps", "aborts", "latency",
            "commit-wait", "epsilon");
        assertThat(writes.get()).as("writes made while the page polled").isPositive();
        assertThat(chromium.evaluateString("document.querySelector('tr[data-node=\"1\"]').textContent"))
            .contains("eu-west-1a", "live", "trusted");
        assertThat(chromium.evaluateString("document.getElementById('nodes-body').textContent"))
            .contains("region eu-west");
        assertThat(chromium.evaluateString("document.querySelector('tr[data-range=\"1\"]').textContent"))
            .contains("n1 (eu-west)");
        // The picture for people: a few seconds of lines rather than three points.
        awaitPanels(chromium, p -> allHaveData(p) && points(p, "tps") >= SCREENSHOT_POINTS);
        Path screenshot = Path.of(System.getProperty("meridian.console.screenshot",
            Path.of(NodeProcess.requiredProperty("meridian.e2e.workDir"), "console-screenshot.png").toString()));
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        Files.write(screenshot, chromium.screenshotPng());

        writing.set(false);
        writer.join(TimeUnit.SECONDS.toMillis(30));
        conflicter.join(TimeUnit.SECONDS.toMillis(30));
        connection.close();
        conflicting.close();
        node.kill();
        Map<String, String> afterKill = awaitPanels(chromium, p -> "error".equals(state(p, "nodes")));
        assertThat(state(afterKill, "ranges")).isEqualTo("error");
        assertThat(chromium.evaluateString("document.querySelector('tr[data-node=\"1\"]').dataset.liveness"))
            .isEqualTo("unreachable");
        assertThat(chromium.evaluateString("document.getElementById('updated').textContent")).startsWith("no answer since");
        assertThat(chromium.evaluateString("document.getElementById('banner').className + ' '"
            + " + document.getElementById('banner').textContent")).startsWith("show ").contains("cannot be reached");
        Files.write(screenshot.resolveSibling("console-unreachable.png"), chromium.screenshotPng());
      }
    } finally {
      writing.set(false);
      for (Thread thread : new Thread[] {writer, conflicter}) {
        if (thread != null) {
          thread.join(TimeUnit.SECONDS.toMillis(30));
        }
      }
      if (node.isAlive()) {
        connection.close();
        if (conflicting != null) {
          conflicting.close();
        }
      }
      node.close();
    }
  }

  @Test
  void statusListsTheNodeAndTheRangesLeaseholder() throws Exception {
    try (NodeProcess node = NodeProcess.start(work.resolve("node"), "--region", "us-east")) {
      String admin = node.adminUrl().replaceFirst("^http://", "").replaceFirst("/$", "");
      Result table = status("--host", admin);
      assertThat(table.exitCode()).as(table.output()).isZero();
      assertThat(table.output()).containsPattern("(?m)^NODE +REGION +ZONE +LIVENESS +EPOCH +SERVING +CLOCK +EPSILON")
          .containsPattern("(?m)^1 +us-east +- +live +1 +yes +trusted +[0-9.]+(ms|us) ")
          .containsPattern("(?m)^1 +-inf +\\+inf +n1 \\(us-east\\) +n1\\(us-east\\)");
      Result json = status("--host", admin, "--json");
      assertThat(json.exitCode()).as(json.output()).isZero();
      assertThat(json.output()).contains("\"servedBy\":1", "\"leaseholder\":1", "\"liveness\":\"live\"",
          "\"regions\":[{\"name\":\"us-east\",\"nodeIds\":[1]}]");
    }
  }

  record Result(int exitCode, String output) {}

  private Result status(String... args) throws Exception {
    return status(work, args);
  }

  /** {@code meridian status ARGS} as a child process, its output kept in a file under {@code work}. */
  static Result status(Path work, String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-cp",
        NodeProcess.requiredProperty("meridian.e2e.serverClasspath"), "dev.meridian.server.Main", "status"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "status", ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("meridian status did not finish in 60 s");
    }
    return new Result(process.exitValue(), Files.readString(out));
  }

  /** Autocommit upserts until told to stop: commits (so commit wait) and statements for the charts. */
  static void write(Connection connection, AtomicBoolean writing, AtomicLong writes) {
    try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO hits VALUES (?, ?)")) {
      long i = 0;
      while (writing.get()) {
        upsert.setLong(1, i % 4);
        upsert.setInt(2, (int) i);
        upsert.executeUpdate();
        writes.incrementAndGet();
        i++;
      }
    } catch (SQLException e) {
      if (writing.get()) {
        throw new IllegalStateException("the console test's writer failed", e);
      }
    }
  }

  /**
   * Read-modify-write transactions on the keys the writer upserts, so that some fail validation
   * (SQLSTATE 40001) and the aborts chart has something to show; those are expected and retried.
   */
  private static void increment(Connection connection, AtomicBoolean writing) {
    try (PreparedStatement read = connection.prepareStatement("SELECT n FROM hits WHERE id = ?");
        PreparedStatement write = connection.prepareStatement("UPSERT INTO hits VALUES (?, ?)")) {
      connection.setAutoCommit(false);
      long i = 0;
      while (writing.get()) {
        long id = i++ % 4;
        try {
          read.setLong(1, id);
          int n = 0;
          try (var rows = read.executeQuery()) {
            if (rows.next()) {
              n = rows.getInt(1);
            }
          }
          write.setLong(1, id);
          write.setInt(2, n + 1);
          write.executeUpdate();
          connection.commit();
        } catch (SQLException e) {
          if (!"40001".equals(e.getSQLState())) {
            throw e;
          }
          connection.rollback();
        }
      }
    } catch (SQLException e) {
      if (writing.get()) {
        throw new IllegalStateException("the console test's conflicting writer failed", e);
      }
    }
  }

  static boolean allHaveData(Map<String, String> panels) {
    if (panels.size() < 7) {
      return false;
    }
    for (Map.Entry<String, String> panel : panels.entrySet()) {
      String[] stateAndPoints = panel.getValue().split(":");
      if (!stateAndPoints[0].equals("ok")) {
        return false;
      }
      if (!stateAndPoints[1].equals("-") && Integer.parseInt(stateAndPoints[1]) < MIN_POINTS) {
        return false;
      }
    }
    return true;
  }

  static int points(Map<String, String> panels, String panel) {
    String value = panels.get(panel);
    return value == null || value.endsWith(":-") ? 0 : Integer.parseInt(value.split(":")[1]);
  }

  private static String state(Map<String, String> panels, String panel) {
    String value = panels.get(panel);
    return value == null ? null : value.split(":")[0];
  }

  /** Polls the page's panels until {@code done} holds; fails naming the last state seen. */
  static Map<String, String> awaitPanels(HeadlessChromium chromium, Predicate<Map<String, String>> done)
      throws Exception {
    return awaitPage(chromium, PANELS, DEADLINE, done, "panels (state:points)");
  }

  /**
   * Evaluates {@code expression} (a string {@code key=value key=value ...}) in the page every 200
   * ms until {@code done} holds of it as a map (keys sorted), for at most {@code deadline}; fails
   * naming {@code what} and the last value.
   */
  static Map<String, String> awaitPage(HeadlessChromium chromium, String expression, Duration deadline,
      Predicate<Map<String, String>> done, String what) throws Exception {
    long until = System.nanoTime() + deadline.toNanos();
    Map<String, String> values = Map.of();
    while (System.nanoTime() < until) {
      values = new TreeMap<>();
      for (String entry : chromium.evaluateString(expression).split(" ")) {
        int equals = entry.indexOf('=');
        if (equals > 0) {
          values.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
      }
      if (done.test(values)) {
        return values;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the console did not reach the expected state within " + deadline + "; " + what
        + " were " + values);
  }
}
