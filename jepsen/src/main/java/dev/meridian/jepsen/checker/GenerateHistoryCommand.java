package dev.meridian.jepsen.checker;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/meridian gen-history}: writes a synthetic list-append history in Elle's EDN format, from a
 * simulated serializable database, optionally with injected anomalies (stale reads, lost appends).
 * For measuring the checker and for trying it out; the same seed always gives the same file.
 */
public final class GenerateHistoryCommand {

  private GenerateHistoryCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    int operations = 100_000;
    int keys = 200;
    int maxTxnLength = 4;
    int concurrency = 10;
    double stale = 0;
    double lost = 0;
    long seed = 1;
    Path output = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--ops" -> operations = Integer.parseInt(require(value, args[i++]));
          case "--keys" -> keys = Integer.parseInt(require(value, args[i++]));
          case "--max-txn-length" -> maxTxnLength = Integer.parseInt(require(value, args[i++]));
          case "--concurrency" -> concurrency = Integer.parseInt(require(value, args[i++]));
          case "--stale-reads" -> stale = Double.parseDouble(require(value, args[i++]));
          case "--lost-appends" -> lost = Double.parseDouble(require(value, args[i++]));
          case "--seed" -> seed = Long.parseLong(require(value, args[i++]));
          case "--out" -> output = Path.of(require(value, args[i++]));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (operations < 2 || keys < 1 || maxTxnLength < 1 || concurrency < 1) {
        throw new IllegalArgumentException("--ops, --keys, --max-txn-length, --concurrency must be positive");
      }
    } catch (IllegalArgumentException e) {
      err.println("gen-history: " + e.getMessage());
      err.println(
          "usage: gen-history [--ops N] [--keys K] [--max-txn-length L] [--concurrency C]"
              + " [--stale-reads P] [--lost-appends P] [--seed S] [--out FILE]");
      return 64;
    }
    List<Op> history =
        HistoryGenerator.listAppend(
            seed,
            new HistoryGenerator.Config(operations, keys, maxTxnLength, concurrency, stale, lost));
    String edn = HistoryGenerator.toEdn(history);
    try {
      if (output == null) {
        BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        writer.write(edn);
        writer.flush();
      } else {
        Files.writeString(output, edn);
        err.println("gen-history: wrote " + history.size() + " operations to " + output);
      }
    } catch (IOException e) {
      err.println("gen-history: cannot write " + output + ": " + e.getMessage());
      return 74;
    }
    return 0;
  }

  private static String require(String value, String option) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
