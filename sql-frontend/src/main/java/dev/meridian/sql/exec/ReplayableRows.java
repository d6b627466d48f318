package dev.meridian.sql.exec;

import java.util.List;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * Rows read from their source once, on first use, and replayed from memory after that. The inner
 * input of a nested-loop join is enumerated once per outer row; without this, each outer row
 * would re-run the inner plan — scans, sorts and aggregates — against storage. Called by the code
 * Calcite generates for a {@code MeridianBufferedInput}.
 *
 * <p>The buffer holds the whole input, as Calcite's hash join and sort hold theirs; it lives as
 * long as the statement's plan instance. Not thread-safe: one statement runs on one thread.
 */
public final class ReplayableRows<T> extends AbstractEnumerable<T> {

  private final Enumerable<T> source;
  private List<T> rows;

  private ReplayableRows(Enumerable<T> source) {
    this.source = source;
  }

  public static <T> Enumerable<T> of(Enumerable<T> source) {
    return new ReplayableRows<>(source);
  }

  @Override
  public Enumerator<T> enumerator() {
    if (rows == null) {
      rows = source.toList();
    }
    return Linq4j.enumerator(rows);
  }
}
