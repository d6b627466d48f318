package dev.meridian.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code meridian jepsen} ({@code JepsenCommand}) in its own JVM, as a tester does, with node
 * processes started from this build's server classpath plus {@code nodeFlags}.
 */
final class JepsenRunner {

  /** What a run left: its exit status, its console output and its output directory. */
  record Run(int exitValue, String output, Path out, long seconds) {
    String results() throws IOException {
      return Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
    }

    String history() throws IOException {
      return Files.readString(out.resolve("history.edn"), StandardCharsets.UTF_8);
    }
  }

  private JepsenRunner() {}

  static Run run(Path work, String name, List<String> nodeFlags, String... runnerArgs)
      throws IOException, InterruptedException {
    Path out = work.resolve(name);
    Path console = work.resolve(name + ".out");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String serverClasspath = NodeProcess.requiredProperty("meridian.e2e.serverClasspath");
    String runnerClasspath = NodeProcess.requiredProperty("meridian.e2e.jepsenJar") + ":"
        + NodeProcess.requiredProperty("meridian.e2e.driverJar") + ":" + serverClasspath;
    String nodeCommand = java + " --enable-native-access=ALL-UNNAMED -Xmx512m -cp " + serverClasspath
        + " dev.meridian.server.Main start" + (nodeFlags.isEmpty() ? "" : " " + String.join(" ", nodeFlags));
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-cp", runnerClasspath,
        "dev.meridian.jepsen.runner.JepsenCommand"));
    command.addAll(List.of(runnerArgs));
    command.addAll(List.of("--out", out.toString(), "--node-command", nodeCommand));
    long started = System.nanoTime();
    Process runner = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(console.toFile())
        .start();
    if (!runner.waitFor(200, TimeUnit.SECONDS)) {
      runner.destroyForcibly();
      throw new AssertionError("the run did not end within 200 s; see " + console);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    return new Run(runner.exitValue(), Files.readString(console, StandardCharsets.UTF_8), out, seconds);
  }
}
