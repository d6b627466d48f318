package dev.meridian.sql.exec;

/**
 * Bounds one statement's run: its deadline and whether it was cancelled. The server implements it
 * (it owns the clock); execution calls {@link #check()} between steps and waits on storage no
 * longer than {@link #remainingNanos()}.
 */
public interface StatementGuard {

  /** A guard that never expires or cancels, for tests and internal statements. */
  StatementGuard NONE =
      new StatementGuard() {
        @Override
        public long remainingNanos() {
          return Long.MAX_VALUE;
        }

        @Override
        public void check() {}
      };

  /** Nanoseconds until the statement's deadline; {@link Long#MAX_VALUE} without one. */
  long remainingNanos();

  /**
   * @throws SqlExecutionException with SQLSTATE 57014 when the statement was cancelled or its
   *     deadline passed
   */
  void check();
}
