package dev.meridian.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs datadriven scripts in the style of etcd's {@code testdata/*.txt}: each command line is followed
 * by {@code ----}, the output it must produce, and a blank line; lines starting with {@code #} are
 * comments. An interpreter turns one command into its output lines; an empty output prints as {@code
 * ok}, and an exception as {@code error: <exception>} (so scripts can expect failures).
 *
 * <p>Run with {@code -Dmeridian.rewrite=true} to rewrite every script's expected outputs from the
 * actual ones; then read the diff before committing it.
 */
public final class DataDrivenScript {

  private DataDrivenScript() {}

  /**
   * One dynamic test per {@code .txt} file in {@code directory}, each run with a fresh interpreter
   * from {@code newInterpreter} (scripts share no state).
   */
  public static Stream<DynamicTest> testsIn(
      Path directory, Supplier<Function<String, List<String>>> newInterpreter)
      throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new AssertionError("no .txt scripts in " + directory.toAbsolutePath());
    }
    return files.stream()
        .map(file -> DynamicTest.dynamicTest(
            file.getFileName().toString(), () -> run(file, newInterpreter.get())));
  }

  /** Runs one script; fails with the first mismatch (and how many more there are). */
  public static void run(Path file, Function<String, List<String>> interpreter) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> rewritten = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        rewritten.add(line);
        i++;
        continue;
      }
      int commandLine = i + 1;
      i++;
      if (i >= lines.size() || !lines.get(i).equals("----")) {
        throw new AssertionError(file + ":" + commandLine + ": expected ---- after " + line);
      }
      i++;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i));
        i++;
      }
      List<String> actual;
      try {
        actual = interpreter.apply(line);
      } catch (RuntimeException | AssertionError e) {
        actual = List.of("error: " + e);
      }
      if (actual.isEmpty()) {
        actual = List.of("ok");
      }
      rewritten.add(line);
      rewritten.add("----");
      rewritten.addAll(actual);
      if (!actual.equals(expected)) {
        failures.add(file.getFileName() + ":" + commandLine + ": " + line
            + "\n--- expected\n" + String.join("\n", expected)
            + "\n--- actual\n" + String.join("\n", actual));
      }
    }
    if (Boolean.getBoolean("meridian.rewrite")) {
      Files.writeString(file, String.join("\n", rewritten) + "\n", StandardCharsets.UTF_8);
      return;
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(
          failures.getFirst() + (failures.size() > 1 ? "\n(and " + (failures.size() - 1) + " more)" : ""));
    }
  }
}
