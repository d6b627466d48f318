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

  private final Process process;
  private final Path dataDir;
  private final String jdbcUrl;
  private final String adminUrl;

  private NodeProcess(Process process, Path dataDir, String jdbcUrl, String adminUrl) {
    this.process = process;
    this.dataDir = dataDir;
    this.jdbcUrl = jdbcUrl;
    this.adminUrl = adminUrl;
  }

  public static NodeProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
    String classpath = requiredProperty("meridian.e2e.serverClasspath");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-Xmx512m", "-cp", classpath, "dev.meridian.server.Main", "start", "--data-dir", dataDir.toString(),
        "--sql-port", "0", "--admin-port", "0", "--listen", "127.0.0.1"));
    command.addAll(List.of(extraArgs));
    Files.createDirectories(dataDir);
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".stderr").toFile()))
        .start();
    BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = stdout.readLine();
    if (line == null) {
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("node exited before serving (exit " + process.exitValue() + "); see "
          + dataDir + ".stderr and " + dataDir.resolve("meridian-0.log"));
    }
    Matcher matcher = SERVING.matcher(line);
    if (!matcher.find()) {
      process.destroyForcibly();
      throw new IllegalStateException("unexpected first line from the node: " + line);
    }
    NodeProcess node = new NodeProcess(process, dataDir, matcher.group(1), matcher.group(2));
    node.awaitHealthy();
    return node;
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
