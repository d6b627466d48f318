package dev.meridian.jepsen.runner;

import java.sql.SQLException;

/**
 * How a client turns a failed transaction into Jepsen's completion types, honestly: {@code :fail}
 * only when the transaction certainly did not take effect, {@code :info} whenever it may have.
 *
 * <ul>
 *   <li>A statement before {@code commit} fails: {@code :fail}. Autocommit is off, so nothing of the
 *       transaction is durable until a commit succeeds.
 *   <li>{@code commit} fails with 40001 (a conflict: rolled back) or a class-23 constraint violation
 *       found while committing: {@code :fail}. Meridian reports both before anything is applied.
 *   <li>{@code commit} fails in any other way — 40003 (completion unknown), a lost connection, a
 *       timeout, an internal error — {@code :info}: the commit may have been applied.
 * </ul>
 */
final class Outcomes {

  static final String OK = "ok";
  static final String FAIL = "fail";
  static final String INFO = "info";

  private Outcomes() {}

  static String ofFailure(SQLException failure, boolean whileCommitting) {
    if (!whileCommitting) {
      return FAIL;
    }
    String state = failure.getSQLState();
    if (state != null && (state.equals("40001") || state.startsWith("23"))) {
      return FAIL;
    }
    return INFO;
  }

  /** Whether the connection should be dropped and a new one opened (class 08, or no SQLSTATE). */
  static boolean connectionSuspect(SQLException failure) {
    String state = failure.getSQLState();
    return state == null || state.startsWith("08") || state.equals("57014") || state.startsWith("XX")
        || state.startsWith("58");
  }
}
