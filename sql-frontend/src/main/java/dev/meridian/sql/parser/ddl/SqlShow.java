package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW …}: statements that describe the catalog or the cluster and return rows. */
public abstract sealed class SqlShow extends SqlCall
    permits SqlShowTables, SqlShowRanges, SqlShowRegions {

  SqlShow(SqlParserPos pos) {
    super(pos);
  }
}
