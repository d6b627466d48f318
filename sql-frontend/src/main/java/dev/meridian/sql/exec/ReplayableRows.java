package dev.meridian.sql.exec;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Rows read from their source once, on first use, and replayed from memory after that. The inner
 * input of a nested-loop join is enumerated once per outer row; without this, each outer row
 * would re-run the inner plan — scans, sorts and aggregates — against storage. Called by the code
 * Calcite generates for a {@code MeridianBufferedInput}.
 *
 * <p>Replaying reads no storage, so it checks the statement's guard itself (every {@value
 * #CHECK_EVERY_ROWS} rows): a cross join of two large inputs is CPU-bound for a long time, and its
 * statement must still time out and be cancellable (57014).
 *
 * <p>The buffer holds the whole input, as Calcite's hash join and sort hold theirs; it lives as
 * long as the statement's plan instance. Not thread-safe: one statement runs on one thread.
 */
public final class ReplayableRows<T> extends AbstractEnumerable<T> {

  static final int CHECK_EVERY_ROWS = 1024;

  private final Enumerable<T> source;
  private final StatementGuard guard;
  private List<T> rows;

  private ReplayableRows(Enumerable<T> source, StatementGuard guard) {
    this.source = source;
    this.guard = guard;
  }

  public static <T> Enumerable<T> of(Enumerable<T> source, DataContext root) {
    return new ReplayableRows<>(source, ExecContext.of(root).guard());
  }

  @Override
  public Enumerator<T> enumerator() {
    if (rows == null) {
      rows = source.toList();
    }
    guard.check();
    return new Enumerator<>() {
      private int index = -1;

      @Override
      public T current() {
        return rows.get(index);
      }

      @Override
      public boolean moveNext() {
        if (index + 1 >= rows.size()) {
          return false;
        }
        index++;
        if (index % CHECK_EVERY_ROWS == CHECK_EVERY_ROWS - 1) {
          guard.check();
        }
        return true;
      }

      @Override
      public void reset() {
        index = -1;
      }

      @Override
      public void close() {}
    };
  }
}
