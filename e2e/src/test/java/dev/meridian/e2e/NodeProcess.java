package dev.meridian.e2e;

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
 * A real node process ({@code Main start}) in a child JVM on 127.0.0.1. It asks for free ports
 * (port 0) and learns the ones it got from the one line the node prints when it serves; then it
 * checks {@code /health}. {@link #stop} sends SIGTERM, {@link #kill} SIGKILL.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Pattern SERVING =
      Pattern.compile("serving SQL at (jdbc:meridian://\\S+) admin at (http://\\S+)");

  /** The line a node started with {@code --join} on a new data directory prints while it waits for init. */
  private static final Pattern WAITING = Pattern.compile("waiting for init: cluster endpoint \\S+ admin at (http://\\S+)");

  private final Process process;
  private final Path dataDir;
  private final BufferedReader stdout;
  private String jdbcUrl;
  private String adminUrl;

  private NodeProcess(Process process, Path dataDir, BufferedReader stdout) {
    this.process = process;
    this.dataDir = dataDir;
    this.stdout = stdout;
  }

  public static NodeProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
    NodeProcess node = launch(dataDir, extraArgs);
    node.awaitServing();
    return node;
  }

  /**
   * Starts a node that waits for init ({@code --join} on a new data directory): returns once it
   * says so; {@link #awaitServing} then waits for it to join and serve.
   */
  public static NodeProcess startWaiting(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
    NodeProcess node = launch(dataDir, extraArgs);
    String line = node.firstLine();
    Matcher matcher = WAITING.matcher(line);
    if (!matcher.find()) {
      node.process.destroyForcibly();
      throw new IllegalStateException("expected the node to wait for init, it printed: " + line);
    }
    node.adminUrl = matcher.group(1);
    return node;
  }

  private static NodeProcess launch(Path dataDir, String... extraArgs) throws IOException {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(List.of("start", "--data-dir", dataDir.toString(),
        "--sql-port", "0", "--admin-port", "0", "--listen", "127.0.0.1"));
    command.addAll(List.of(extraArgs));
    Files.createDirectories(dataDir);
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".stderr").toFile()))
        .start();
    return new NodeProcess(process, dataDir,
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
  }

  /** {@code java -Xmx512m -cp <server> dev.meridian.server.Main}: a command of bin/meridian, without the script. */
  static List<String> javaCommand() {
    String classpath = requiredProperty("meridian.e2e.serverClasspath");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", classpath,
        "dev.meridian.server.Main");
  }

  private String firstLine() throws IOException, InterruptedException {
    String line = stdout.readLine();
    if (line == null) {
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("node exited before serving (exit " + process.exitValue() + "); see "
          + dataDir + ".stderr and " + dataDir.resolve("meridian-0.log"));
    }
    return line;
  }

  /** Reads the line the node prints when it serves, then waits for {@code /health} to answer 200. */
  void awaitServing() throws IOException, InterruptedException {
    String line = firstLine();
    Matcher matcher = SERVING.matcher(line);
    if (!matcher.find()) {
      process.destroyForcibly();
      throw new IllegalStateException("unexpected line from the node: " + line);
    }
    this.jdbcUrl = matcher.group(1);
    this.adminUrl = matcher.group(2);
    awaitHealthy();
  }

  /** Waits for the process to end on its own; its exit code. */
  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node still running after " + seconds + " s");
    }
    return process.exitValue();
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    // The node prints its line only once both endpoints listen, so the first request should do;
    // a few retries cover a slow first accept.
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        HttpResponse<String> response = get("health");
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("node never became healthy", last);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return client.send(HttpRequest.newBuilder(URI.create(adminUrl + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** The URL of the Avatica endpoint itself (what the JDBC URL points at). */
  String avaticaUrl() {
    return "http://" + jdbcUrl.substring("jdbc:meridian://".length()) + "/";
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** {@code http://127.0.0.1:PORT/}: the admin endpoint (health, metrics, the console). */
  public String adminUrl() {
    return adminUrl;
  }

  Path dataDir() {
    return dataDir;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP (a pause as a long GC or jepsen's pause nemesis makes one), or SIGCONT to end it. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** SIGKILL: the node gets no chance to clean up. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and waits for the shutdown hook to finish; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("node did not stop within 30 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  public static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      throw new IllegalStateException("system property " + name + " is not set: run through Maven (failsafe)");
    }
    return value;
  }
}
