package dev.meridian.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on the test's own classpath that a crash test kills with SIGKILL at a moment of its
 * choosing: no shutdown hooks, no flushing, as when a machine loses power under a process.
 */
public final class KillableChild {

  private final Process process;

  private KillableChild(Process process) {
    this.process = process;
  }

  /** Starts {@code mainClass}'s main with {@code args} in a new JVM; its stderr goes to ours. */
  public static KillableChild start(Class<?> mainClass, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(
        java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    return new KillableChild(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /**
   * Hands every line the child prints to {@code onLine} until it has returned true {@code count}
   * times (or the child exits), kills the child, then hands over the lines it printed before it died
   * too: whatever it acknowledged before the kill was acknowledged. Returns how many lines counted
   * before the kill.
   */
  public int killAfter(int count, Predicate<String> onLine) throws IOException, InterruptedException {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      int counted = 0;
      String line;
      while (counted < count && (line = lines.readLine()) != null) {
        if (onLine.test(line)) {
          counted++;
        }
      }
      // Through the handle: Process.destroyForcibly would also close our end of the pipe, and lines
      // printed just before the kill must still be read.
      process.toHandle().destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the child survived SIGKILL for 30 s");
      }
      while ((line = lines.readLine()) != null) {
        onLine.test(line);
      }
      return counted;
    } finally {
      process.destroyForcibly();
    }
  }
}
