package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckOptions;
import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Checker;
import dev.meridian.jepsen.checker.HistoryReader;
import dev.meridian.runtime.RandomSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A workload over JDBC: what a client invokes, how it runs one invocation, how its failures are
 * classified and how its history is checked. An operation is Jepsen's {@code :f} and {@code
 * :value}: for the transactional workloads {@code :txn} and a vector of Elle micro-operations
 * ({@code [:r k nil]} invoked, {@code [:r k value]} completed); for bank and register their own.
 *
 * <p>Implementations are shared by every client thread: {@link #next} must be thread-safe (it hands
 * out each written value once per key where the checker relies on that to infer version orders).
 */
interface Workload {

  /**
   * One client operation as invoked or completed: Jepsen's {@code :f} and {@code :value}, and extra
   * fields logged with it (e.g. {@code :staleness} of a bank read), keyed by keyword name.
   */
  record Operation(String f, Object value, Map<String, Object> extra) {
    public Operation {
      extra = Map.copyOf(extra);
    }

    public Operation(String f, Object value) {
      this(f, value, Map.of());
    }

    public Operation withValue(Object completed) {
      return new Operation(f, completed, extra);
    }
  }

  /**
   * Thrown by {@link Session#perform} when the operation chose not to take effect (a transfer from
   * an account without enough money, a compare-and-set whose expected value was not there): the
   * client rolls back and records {@code :fail} with the reason.
   */
  final class Declined extends Exception {
    public Declined(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Creates what the workload needs, once, before the clients start. */
  void setUp(Connection connection) throws SQLException;

  /** The next operation to invoke (reads with a nil value). */
  Operation next(RandomSource random);

  /** Prepares the workload's statements on {@code connection}, for many operations. */
  Session open(Connection connection) throws SQLException;

  /**
   * Whether each operation is one autocommitted statement (the client never calls {@code commit});
   * otherwise the connection's autocommit is off and the client commits after {@link
   * Session#perform}.
   */
  default boolean autocommit() {
    return false;
  }

  /**
   * How a failed operation ends ({@link Outcomes}); {@code committing} is true once the operation's
   * effects may have reached the server ({@code commit} was called, or an autocommitted write was
   * sent).
   */
  default String classify(Operation invocation, SQLException failure, boolean committing) {
    return Outcomes.ofFailure(failure, committing);
  }

  /** One connection's prepared statements. */
  interface Session extends AutoCloseable {
    /**
     * Runs {@code invocation}'s statements (in a transaction the caller commits, unless the workload
     * autocommits) and returns the operation's completed value, reads filled in.
     */
    Object perform(Operation invocation) throws SQLException, Declined;

    @Override
    void close() throws SQLException;
  }

  /**
   * Operations touching every statement of the workload (on keys no client uses where they write),
   * each run once and rolled back before the clients start, so the node plans the statements before
   * the clock runs.
   */
  List<Operation> warmUp();

  /** Operations that read every key ever written, run after the faults heal. */
  List<Operation> finalReads();

  /** Checks the history the run wrote. */
  CheckResult check(Path history) throws IOException;

  /** Elle's strict-serializability check, for the transactional workloads. */
  static CheckResult strictSerializable(Path history, CheckOptions.Workload workload) throws IOException {
    return Checker.check(HistoryReader.read(history, HistoryReader.Format.EDN),
        CheckOptions.strictSerializable(workload));
  }
}
