package dev.meridian.sql.exec;

import java.util.Iterator;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;

/** What a statement returns: rows, a count of rows changed, or nothing (DDL, SET, COMMIT). */
public sealed interface StatementResult {

  /**
   * Rows, produced lazily as the iterator is advanced, so that a large result streams. Each row
   * holds Calcite runtime values (see {@link dev.meridian.sql.row.Values}). Close it when done.
   * {@code columns} says where each column comes from, one per field (empty when unknown).
   */
  record Rows(RelDataType rowType, Iterator<Object[]> rows, AutoCloseable onClose, List<ResultColumn> columns)
      implements StatementResult, AutoCloseable {

    public Rows(RelDataType rowType, Iterator<Object[]> rows, AutoCloseable onClose) {
      this(rowType, rows, onClose, List.of());
    }

    @Override
    public void close() throws Exception {
      onClose.close();
    }
  }

  record UpdateCount(long count) implements StatementResult {}

  record Done(String message) implements StatementResult {}
}
