package dev.meridian.jdbc;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * Turns the server's error for a failed batch into the {@link BatchUpdateException} JDBC promises.
 * Avatica's error response has no update counts; the server puts where the batch stopped into its
 * error code instead (see the server's {@code MeridianMeta.BatchFailure}):
 * <ul>
 *   <li>{@code k > 0}: statement k (1-based) failed and the batch stopped there. The update counts
 *       hold one entry for each of the k - 1 statements before it, as JDBC asks of a driver that
 *       stops at the first failure, each {@link Statement#SUCCESS_NO_INFO} (the protocol does not
 *       carry their counts). In autocommit the batch was one transaction, so none of them took
 *       effect; in a transaction they are in it.
 *   <li>{@code -n < 0}: every statement ran but the autocommit batch's commit failed, so none took
 *       effect: n entries, each {@link Statement#EXECUTE_FAILED}.
 *   <li>0: not located in the batch (a broken connection, say): the exception stays as it is.
 * </ul>
 * The BatchUpdateException keeps the message and SQLSTATE; its cause is the server's exception, of
 * the subclass its SQLSTATE calls for ({@link SqlStates#typed}).
 */
final class BatchErrors {

  private BatchErrors() {}

  static boolean isBatch(String methodName) {
    return methodName.equals("executeBatch") || methodName.equals("executeLargeBatch");
  }

  /** {@code failure} of {@code executeBatch} / {@code executeLargeBatch} as JDBC wants it. */
  static SQLException of(String methodName, SQLException failure) {
    if (failure instanceof BatchUpdateException || failure.getErrorCode() == 0) {
      return failure;
    }
    int code = failure.getErrorCode();
    long[] counts = new long[code > 0 ? code - 1 : -code];
    Arrays.fill(counts, code > 0 ? Statement.SUCCESS_NO_INFO : Statement.EXECUTE_FAILED);
    // The cause is of the subclass the SQLSTATE calls for (a duplicate key: an integrity violation),
    // with the server's own words, without Avatica's "Error k (SQLSTATE) : Remote driver error: ".
    SQLException cause = SqlStates.typed(failure);
    String message = cause.getMessage();
    return methodName.equals("executeLargeBatch")
        ? new BatchUpdateException(message, failure.getSQLState(), 0, counts, cause)
        : new BatchUpdateException(message, failure.getSQLState(), 0,
            Arrays.stream(counts).mapToInt(count -> (int) count).toArray(), cause);
  }
}
