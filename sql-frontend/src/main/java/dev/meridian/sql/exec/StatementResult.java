package dev.meridian.sql.exec;

import java.util.Iterator;
import org.apache.calcite.rel.type.RelDataType;

/** What a statement returns: rows, a count of rows changed, or nothing (DDL, SET, COMMIT). */
public sealed interface StatementResult {

  /**
   * Rows, produced lazily as the iterator is advanced, so that a large result streams. Each row
   * holds Calcite runtime values (see {@link dev.meridian.sql.row.Values}). Close it when done.
   */
  record Rows(RelDataType rowType, Iterator<Object[]> rows, AutoCloseable onClose)
      implements StatementResult, AutoCloseable {
    @Override
    public void close() throws Exception {
      onClose.close();
    }
  }

  record UpdateCount(long count) implements StatementResult {}

  record Done(String message) implements StatementResult {}
}
