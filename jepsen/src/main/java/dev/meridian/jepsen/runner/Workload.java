package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckOptions;
import dev.meridian.runtime.RandomSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A transactional workload over JDBC: what a client invokes, and how it runs one invocation inside a
 * transaction. A micro-operation is Elle's vector: {@code [:r k nil]} invoked, {@code [:r k value]}
 * completed; {@code [:append k v]} or {@code [:w k v]} the same in both.
 *
 * <p>Implementations are shared by every client thread: {@link #next} must be thread-safe (it hands
 * out each written value once per key, which is what lets the checker infer version orders).
 */
interface Workload {

  /** Creates what the workload needs, once, before the clients start. */
  void setUp(Connection connection) throws SQLException;

  /** The micro-operations of the next transaction (reads with a nil value). */
  List<List<Object>> next(RandomSource random);

  /** Prepares the workload's statements on {@code connection} (autocommit off), for many transactions. */
  Session open(Connection connection) throws SQLException;

  /** One connection's prepared statements. */
  interface Session extends AutoCloseable {
    /**
     * Runs {@code invocation}'s statements (the caller commits) and returns the micro-operations as
     * completed, reads filled in.
     */
    List<List<Object>> perform(List<List<Object>> invocation) throws SQLException;

    @Override
    void close() throws SQLException;
  }

  /**
   * A transaction touching every statement of the workload on a key no client uses, run once and
   * rolled back before the clients start, so the node plans the statements before the clock runs.
   */
  List<List<Object>> warmUp();

  /** Transactions that read every key ever written, run after the faults heal. */
  List<List<List<Object>>> finalReads();

  /** How the checker reads the history. */
  CheckOptions.Workload checkerWorkload();
}
