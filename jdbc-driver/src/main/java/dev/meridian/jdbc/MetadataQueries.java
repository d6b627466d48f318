package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DatabaseMetaData} methods that Avatica's protocol has no request for, and its remote
 * driver answers with empty results: the driver answers them with a SELECT over the server's
 * system tables in MERIDIAN_CATALOG, whose columns are the JDBC result columns of the method.
 *
 * <p>Arguments follow JDBC for these methods: {@code table} is a table name as stored (not a
 * pattern; null matches every table), {@code schema} likewise (null: any schema), {@code catalog}
 * null means any and "" means without a catalog (every Meridian table; there are no catalogs). The
 * result set's statement closes with it.
 */
final class MetadataQueries {

  private MetadataQueries() {}

  static ResultSet primaryKeys(Connection connection, String catalog, String schema, String table)
      throws SQLException {
    return query(connection, "PRIMARY_KEYS", catalog, schema, table, "", "COLUMN_NAME");
  }

  static ResultSet indexInfo(Connection connection, String catalog, String schema, String table, boolean unique)
      throws SQLException {
    return query(connection, "INDEX_INFO", catalog, schema, table, unique ? " AND NOT NON_UNIQUE" : "",
        "NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION, TABLE_NAME");
  }

  private static ResultSet query(Connection connection, String systemTable, String catalog, String schema,
      String table, String extra, String orderBy) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM MERIDIAN_CATALOG.").append(systemTable)
        .append(" WHERE TRUE");
    List<String> parameters = new ArrayList<>();
    if (catalog != null && !catalog.isEmpty()) {
      sql.append(" AND TABLE_CAT = ?");
      parameters.add(catalog);
    }
    if (schema != null) {
      sql.append(" AND TABLE_SCHEM = ?");
      parameters.add(schema);
    }
    if (table != null) {
      sql.append(" AND TABLE_NAME = ?");
      parameters.add(table);
    }
    sql.append(extra).append(" ORDER BY ").append(orderBy);
    PreparedStatement statement = connection.prepareStatement(sql.toString());
    try {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setString(i + 1, parameters.get(i));
      }
      statement.closeOnCompletion();
      return statement.executeQuery();
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }
}
