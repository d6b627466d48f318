package dev.meridian.jepsen.checker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code check}: checks one history file and prints the verdict as one JSON object.
 *
 * <pre>
 * check --workload list-append|rw-register [--model strict-serializable[,...]]
 *       [--anomalies G0,G1c,...] [--linearizable-keys] [--sequential-keys] [--wfr-keys]
 *       [--format edn|json|jepsen-log] FILE
 * check --workload register [--model linearizable] [--search-budget STEPS] [--memo-budget-mb MB]
 *       [--format edn|json|jepsen-log] FILE
 * check --workload bank [--accounts N] [--total T] FILE
 * </pre>
 *
 * <p>The register workload checks compare-and-set register histories for linearizability
 * ({@link LinearizabilityChecker}); {@code linearizable} is its only model. The bank workload checks
 * that every completed read of the accounts {@code 0 … N-1} sees them all, none negative, summing to
 * {@code T} ({@link BankChecker}; EDN histories only); the defaults are those of the runner's bank
 * workload, {@value #DEFAULT_BANK_ACCOUNTS} accounts holding {@value #DEFAULT_BANK_TOTAL}.
 *
 * <p>Exit status: 0 valid, 1 invalid, 2 unknown, 64 usage error (message on stderr), 66 the file
 * cannot be read, 65 it is not a well-formed history. With neither {@code --model} nor
 * {@code --anomalies} the model is strict-serializable, Elle's default; with only
 * {@code --anomalies}, just those anomalies (and the ones implying them) count.
 */
public final class CheckCommand {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_UNKNOWN = 2;
  public static final int EXIT_USAGE = 64;
  public static final int EXIT_DATA = 65;
  public static final int EXIT_NO_INPUT = 66;

  static final String USAGE = "usage: check --workload list-append|rw-register"
      + " [--model strict-serializable[,...]] [--anomalies G0,G1c,...]"
      + " [--linearizable-keys] [--sequential-keys] [--wfr-keys] [--format edn|json|jepsen-log] FILE"
      + "\n       check --workload register [--model linearizable] [--search-budget STEPS]"
      + " [--memo-budget-mb MB] [--format edn|json|jepsen-log] FILE"
      + "\n       check --workload bank [--accounts N] [--total T] FILE";

  /** The runner's bank workload: accounts 0 … 7 holding 80 in all. */
  public static final int DEFAULT_BANK_ACCOUNTS = 8;
  public static final long DEFAULT_BANK_TOTAL = 80;

  /** The memo table may take at most this share of the heap, so a search never runs out of it. */
  private static final long HEAP_SHARE_DIVISOR = 2;

  private CheckCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status instead of exiting, so tests can call it. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CheckOptions.Workload workload = null;
    List<String> models = null;
    List<String> anomalies = List.of();
    HistoryReader.Format format = null;
    boolean linearizable = false;
    boolean sequential = false;
    boolean wfr = false;
    long searchBudget = CheckOptions.DEFAULT_SEARCH_BUDGET;
    long memoBudgetBytes = CheckOptions.DEFAULT_MEMO_BUDGET_BYTES;
    boolean bank = false;
    Long bankAccounts = null;
    Long bankTotal = null;
    String file = null;
    // The launcher may pass the subcommand name through; it is not a file.
    int first = args.length > 0 && args[0].equals("check") ? 1 : 0;
    for (int i = first; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--linearizable-keys" -> linearizable = true;
        case "--sequential-keys" -> sequential = true;
        case "--wfr-keys" -> wfr = true;
        case "--workload", "--model", "--models", "--anomalies", "--format", "--search-budget",
            "--memo-budget-mb", "--accounts", "--total" -> {
          if (i + 1 >= args.length) {
            return usage(err, a + " needs a value");
          }
          String v = args[++i];
          switch (a) {
            case "--workload" -> {
              bank = v.equals("bank");
              workload = bank ? null : CheckOptions.Workload.parse(v);
              if (workload == null && !bank) {
                return usage(err, "unknown workload '" + v + "'");
              }
            }
            case "--format" -> {
              format = HistoryReader.Format.parse(v);
              if (format == null) {
                return usage(err, "unknown format '" + v + "'");
              }
            }
            case "--accounts", "--total" -> {
              Long n = parseLong(v);
              if (n == null || n < (a.equals("--accounts") ? 1 : 0) || a.equals("--accounts") && n > 1_000_000) {
                return usage(err, a + " needs " + (a.equals("--accounts") ? "an account count from 1 to 1000000"
                    : "a total of at least 0") + ", found '" + v + "'");
              }
              if (a.equals("--accounts")) {
                bankAccounts = n;
              } else {
                bankTotal = n;
              }
            }
            case "--search-budget", "--memo-budget-mb" -> {
              Long parsed = parseLong(v);
              long n = parsed == null ? -1 : parsed;
              if (n <= 0 || a.equals("--memo-budget-mb") && n > Long.MAX_VALUE >> 20) {
                return usage(err, a + " needs a positive integer, found '" + v + "'");
              }
              if (a.equals("--search-budget")) {
                searchBudget = n;
              } else {
                memoBudgetBytes = n << 20;
              }
            }
            case "--anomalies" -> {
              anomalies = split(v);
              Set<String> known = ConsistencyModels.knownAnomalies();
              for (String x : anomalies) {
                if (!known.contains(x)) {
                  return usage(err, "unknown anomaly '" + x + "'; known: " + known);
                }
              }
            }
            default -> {
              models = split(v);
              Set<String> known = workload == CheckOptions.Workload.REGISTER
                  ? Set.of("linearizable") : ConsistencyModels.knownModels();
              for (String m : models) {
                if (!known.contains(m)) {
                  return usage(err, "unknown consistency model '" + m + "'; known: " + known);
                }
              }
            }
          }
        }
        default -> {
          if (a.startsWith("--")) {
            return usage(err, "unknown option " + a);
          }
          if (file != null) {
            return usage(err, "more than one history file given");
          }
          file = a;
        }
      }
    }
    if (workload == null && !bank) {
      return usage(err, "--workload is required");
    }
    if (file == null) {
      return usage(err, "no history file given");
    }
    if (bank) {
      if (models != null || !anomalies.isEmpty() || linearizable || sequential || wfr || format != null
          && format != HistoryReader.Format.EDN) {
        return usage(err, "the bank workload takes only --accounts, --total and an EDN history");
      }
      return checkBank(file, bankAccounts == null ? DEFAULT_BANK_ACCOUNTS : bankAccounts,
          bankTotal == null ? DEFAULT_BANK_TOTAL : bankTotal, out, err);
    }
    if (bankAccounts != null || bankTotal != null) {
      return usage(err, "--accounts and --total apply to the bank workload only");
    }
    boolean register = workload == CheckOptions.Workload.REGISTER;
    if (register && models != null && !models.equals(List.of("linearizable"))) {
      return usage(err, "the register workload checks linearizability only: --model linearizable");
    }
    if (register && (!anomalies.isEmpty() || linearizable || sequential || wfr)) {
      return usage(err, "--anomalies and the key assumptions apply to transactional workloads only");
    }
    if (models == null) {
      models = register ? List.of("linearizable")
          : anomalies.isEmpty() ? List.of("strict-serializable") : List.of();
    }
    if (format == null) {
      format = HistoryReader.Format.fromFileName(file);
    }
    HistoryReader.Format historyFormat = format;
    CheckOptions opts = CheckOptions.strictSerializable(workload).withModels(models)
        .withAnomalies(anomalies).withKeyAssumptions(linearizable, sequential, wfr)
        .withSearchBudget(searchBudget).withMemoBudgetBytes(Math.min(memoBudgetBytes,
            Runtime.getRuntime().maxMemory() / HEAP_SHARE_DIVISOR));
    return checkFile(file, out, err, path -> Checker.check(register
        ? HistoryReader.readRegister(path, historyFormat) : HistoryReader.read(path, historyFormat), opts));
  }

  /** Reads and checks one history; what is wrong with the file is reported as the exit status says. */
  private interface FileCheck {
    CheckResult check(Path file) throws IOException;
  }

  private static int checkBank(String file, long accounts, long total, PrintStream out, PrintStream err) {
    return checkFile(file, out, err, path -> BankChecker.check(path, BankChecker.accounts(accounts), total));
  }

  private static int checkFile(String file, PrintStream out, PrintStream err, FileCheck check) {
    CheckResult r;
    try {
      r = check.check(Path.of(file));
    } catch (NoSuchFileException e) {
      err.println("check: no such file: " + file);
      return EXIT_NO_INPUT;
    } catch (IOException e) {
      err.println("check: cannot read " + file + ": " + e.getMessage());
      return EXIT_NO_INPUT;
    } catch (HistoryFormatException e) {
      err.println("check: " + file + ": " + e.getMessage());
      return EXIT_DATA;
    }
    return report(r, out);
  }

  private static int report(CheckResult r, PrintStream out) {
    out.println(r.toJson());
    return switch (r.valid()) {
      case "true" -> EXIT_VALID;
      case "false" -> EXIT_INVALID;
      default -> EXIT_UNKNOWN;
    };
  }

  private static Long parseLong(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<String> split(String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      String t = s.strip();
      if (t.startsWith(":")) {
        t = t.substring(1);
      }
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static int usage(PrintStream err, String problem) {
    err.println("check: " + problem);
    err.println(USAGE);
    return EXIT_USAGE;
  }
}
