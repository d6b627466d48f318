package dev.meridian.jepsen.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node process on 127.0.0.1 that the runner started, seen from outside only: the command line
 * that starts it, the one line it prints when it serves (its JDBC and admin URLs), {@code /health},
 * and signals. Restarts reuse the data directory and the ports of the first start, so clients
 * reconnect to the same URL.
 *
 * <p>Not thread-safe: the runner's nemesis is the only caller after start-up.
 */
final class LocalNode implements AutoCloseable {

  private static final Pattern SERVING =
      Pattern.compile("serving SQL at jdbc:meridian://[^:\\s]+:(\\d+) admin at http://[^:\\s]+:(\\d+)/");
  private static final Pattern WAITING = Pattern.compile("waiting for init");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final List<String> command;
  private final String heap;
  private final Path dataDir;
  private final Path logFile;
  /** {@code --node-id N --region R --port P --join ...} of a cluster's node; empty for a lone node. */
  private final List<String> clusterFlags;
  private Process process;
  private BufferedReader stdout;
  private long startDeadlineNanos;
  private int sqlPort;
  private int adminPort;
  private boolean paused;

  LocalNode(String name, List<String> command, String heap, Path dataDir, Path logFile) {
    this(name, command, heap, dataDir, logFile, List.of());
  }

  /** A node of a cluster: {@code clusterFlags} go on every start (its id, region, port and join list). */
  LocalNode(String name, List<String> command, String heap, Path dataDir, Path logFile, List<String> clusterFlags) {
    this.name = name;
    this.command = List.copyOf(command);
    this.heap = heap;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.clusterFlags = List.copyOf(clusterFlags);
  }

  String name() {
    return name;
  }

  String jdbcUrl() {
    return "jdbc:meridian://127.0.0.1:" + sqlPort;
  }

  String adminUrl() {
    return "http://127.0.0.1:" + adminPort + "/";
  }

  Path logFile() {
    return logFile;
  }

  Path dataDir() {
    return dataDir;
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the node (on free ports the first time, on its earlier ports after) and waits until it serves. */
  void start() throws IOException, InterruptedException {
    launch();
    awaitServing();
  }

  /**
   * Starts a cluster's node on a new data directory and waits until it says it waits for {@code
   * meridian init}; {@link #awaitServing} then waits for it to serve once the cluster is initialized.
   */
  void startWaitingForInit() throws IOException, InterruptedException {
    launch();
    String line;
    while ((line = stdout.readLine()) != null) {
      log(line);
      if (WAITING.matcher(line).find()) {
        return;
      }
      if (System.nanoTime() > startDeadlineNanos) {
        break;
      }
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    throw new IOException(name + " did not wait for init; its output is in " + logFile);
  }

  private void launch() throws IOException {
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("--data-dir", dataDir.toString(), "--listen", "127.0.0.1",
        "--sql-port", String.valueOf(sqlPort), "--admin-port", String.valueOf(adminPort)));
    full.addAll(clusterFlags);
    if (heap != null) {
      full.addAll(List.of("--max-heap", heap));
    }
    Files.createDirectories(dataDir);
    process = new ProcessBuilder(full)
        .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    paused = false;
    stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    startDeadlineNanos = System.nanoTime() + START_TIMEOUT.toNanos();
  }

  /** Reads the node's output until its serving line, then waits for {@code /health} to answer 200. */
  void awaitServing() throws IOException, InterruptedException {
    String line;
    int servingPort = 0;
    while ((line = stdout.readLine()) != null) {
      log(line);
      Matcher serving = SERVING.matcher(line);
      if (serving.find()) {
        sqlPort = Integer.parseInt(serving.group(1));
        adminPort = Integer.parseInt(serving.group(2));
        servingPort = sqlPort;
        break;
      }
      if (System.nanoTime() > startDeadlineNanos) {
        break;
      }
    }
    if (servingPort == 0) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IOException(name + " did not start; its output is in " + logFile);
    }
    // Keep draining stdout so the node never blocks on a full pipe.
    BufferedReader output = stdout;
    Thread drain = new Thread(() -> drain(output), name + "-stdout");
    drain.setDaemon(true);
    drain.start();
    awaitHealthy(startDeadlineNanos);
  }

  private void log(String line) throws IOException {
    Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND,
        java.nio.file.StandardOpenOption.CREATE);
  }

  private void drain(BufferedReader stdout) {
    try {
      String line;
      while ((line = stdout.readLine()) != null) {
        log(line);
      }
    } catch (IOException e) {
      // The process is gone; nothing more to copy.
    }
  }

  private void awaitHealthy(long deadlineNanos) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      while (System.nanoTime() < deadlineNanos) {
        try {
          HttpResponse<Void> response = http.send(
              HttpRequest.newBuilder(URI.create(adminUrl() + "health")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
    }
    throw new IOException(name + " never became healthy; see " + logFile);
  }

  /** SIGKILL: the node gets no chance to flush or clean up. */
  void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    // SIGKILL ends a stopped process too.
    paused = false;
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Changes the node's physical clock: {@code fault} is one of {@code offset_ms=N}, {@code
   * drift_ppm=N}, {@code step_ms=N} ({@code POST /fault/clock}, served only by a node started with
   * {@code --allow-fault-injection}).
   */
  void clockFault(String fault) throws IOException, InterruptedException {
    admin("POST", "fault/clock?" + fault);
  }

  /** Removes every clock fault ({@code DELETE /fault/clock}). */
  void clockReset() throws IOException, InterruptedException {
    admin("DELETE", "fault/clock");
  }

  private void admin(String method, String path) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl() + path))
              .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(method + " " + adminUrl() + path + " answered " + response.statusCode() + ": "
            + response.body().strip());
      }
    }
  }

  /** SIGSTOP: the process stops running, its sockets stay open (clients see a silent node). */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
        .redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed: " + output.strip());
    }
  }

  /** SIGTERM and a wait for a clean stop; SIGKILL if it does not stop in time. */
  @Override
  public void close() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      try {
        resume();
      } catch (IOException e) {
        process.destroyForcibly();
      }
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
