package dev.meridian.jepsen.checker;

import java.util.List;

/**
 * What to check a history against, as Elle's checker options.
 *
 * @param workload which analysis to run
 * @param models consistency models the history must satisfy (Elle's {@code :consistency-models});
 *     empty means none, so only {@code anomalies} count
 * @param anomalies further anomalies to forbid (Elle's {@code :anomalies}), with every anomaly that
 *     implies one of them
 * @param linearizableKeys rw-register: assume each key linearizable, order versions by real time
 * @param sequentialKeys rw-register: assume each key sequential, order versions by process order
 * @param wfrKeys rw-register: assume a transaction's write of a key follows its read of it
 * @param searchBudget edges the cycle search may examine per component and anomaly type before
 *     giving up with cycle-search-timeout; for the register workload, events the linearization
 *     search may visit per key before giving up with linearization-search-timeout
 * @param memoBudgetBytes register workload: bytes the linearization search's memo table may hold
 *     per key before giving up with linearization-search-timeout
 * @param transactionOrder rw-register: a known order of committed transactions (operation
 *     {@code :index} to rank), from which each key's version order follows its writers' order;
 *     empty when unknown (Elle's test suite uses it to pin version orders)
 */
public record CheckOptions(Workload workload, List<String> models, List<String> anomalies,
    boolean linearizableKeys, boolean sequentialKeys, boolean wfrKeys, long searchBudget,
    long memoBudgetBytes, java.util.Map<Long, Long> transactionOrder) {
  /**
   * The two workloads Elle's transactional checkers support, and single-object compare-and-set
   * registers checked for linearizability, as Knossos does.
   */
  public enum Workload {
    LIST_APPEND("list-append"), RW_REGISTER("rw-register"), REGISTER("register");

    private final String cliName;

    Workload(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    public static Workload parse(String s) {
      for (Workload w : values()) {
        if (w.cliName.equals(s)) {
          return w;
        }
      }
      return null;
    }
  }

  public static final long DEFAULT_SEARCH_BUDGET = 20_000_000L;
  /**
   * 256 MiB: millions of memoized configurations of a few hundred operations each, more than any
   * history that finishes within {@link #DEFAULT_SEARCH_BUDGET} steps needs; the CLI lowers it to
   * half the heap if that is smaller.
   */
  public static final long DEFAULT_MEMO_BUDGET_BYTES = 256L << 20;

  public CheckOptions {
    models = List.copyOf(models);
    anomalies = List.copyOf(anomalies);
    transactionOrder = java.util.Map.copyOf(transactionOrder);
  }

  /** Elle's default: strict serializability. */
  public static CheckOptions strictSerializable(Workload w) {
    return new CheckOptions(w, List.of("strict-serializable"), List.of(), false, false, false,
        DEFAULT_SEARCH_BUDGET, DEFAULT_MEMO_BUDGET_BYTES, java.util.Map.of());
  }

  public CheckOptions withModels(List<String> m) {
    return new CheckOptions(workload, m, anomalies, linearizableKeys, sequentialKeys, wfrKeys,
        searchBudget, memoBudgetBytes, transactionOrder);
  }

  public CheckOptions withAnomalies(List<String> a) {
    return new CheckOptions(workload, models, a, linearizableKeys, sequentialKeys, wfrKeys,
        searchBudget, memoBudgetBytes, transactionOrder);
  }

  public CheckOptions withKeyAssumptions(boolean linearizable, boolean sequential, boolean wfr) {
    return new CheckOptions(workload, models, anomalies, linearizable, sequential, wfr,
        searchBudget, memoBudgetBytes, transactionOrder);
  }

  public CheckOptions withTransactionOrder(java.util.Map<Long, Long> order) {
    return new CheckOptions(workload, models, anomalies, linearizableKeys, sequentialKeys,
        wfrKeys, searchBudget, memoBudgetBytes, order);
  }

  public CheckOptions withMemoBudgetBytes(long bytes) {
    return new CheckOptions(workload, models, anomalies, linearizableKeys, sequentialKeys,
        wfrKeys, searchBudget, bytes, transactionOrder);
  }

  public CheckOptions withSearchBudget(long budget) {
    return new CheckOptions(workload, models, anomalies, linearizableKeys, sequentialKeys,
        wfrKeys, budget, memoBudgetBytes, transactionOrder);
  }
}
