package org.apache.calcite.avatica;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The few Avatica internals the Meridian driver needs for generated keys, reached from Avatica's
 * own package (so they are shaded with it): an execution's full list of result sets, which
 * Avatica's statements drop after the first, and a result set built from one of them. Used only by
 * {@code dev.meridian.jdbc.GeneratedKeys}; nothing here changes what Avatica does.
 */
public final class MeridianAvaticaAccess {

  private MeridianAvaticaAccess() {}

  /**
   * Runs {@code sql} on {@code statement} as {@code Statement.execute(sql)} does, and returns every
   * result set of the answer. The first one is assigned to the statement as usual (its update
   * count, or its open result set).
   */
  public static List<Meta.MetaResultSet> execute(AvaticaStatement statement, String sql) throws SQLException {
    synchronized (statement) {
      closeOpenResult(statement);
      statement.updateCount = -1;
    }
    try {
      long maxRowCount = statement.maxRowCount <= 0 ? -1 : statement.maxRowCount;
      return statement.connection.prepareAndExecuteInternal(statement, sql, maxRowCount).resultSets;
    } catch (NoSuchStatementException e) {
      throw new SQLException("statement " + statement.handle.id + " is unknown to the server", "HY010", e);
    }
  }

  /**
   * Runs prepared {@code statement} with its bound parameters, as {@code executeUpdate()} does,
   * and returns every result set of the answer; the first one's update count becomes the
   * statement's.
   */
  public static List<Meta.MetaResultSet> execute(AvaticaPreparedStatement statement) throws SQLException {
    synchronized (statement) {
      closeOpenResult(statement);
      Meta.StatementHandle handle = new Meta.StatementHandle(statement.handle.connectionId, statement.handle.id, null);
      try {
        List<Meta.MetaResultSet> results = statement.connection.meta.execute(handle, statement.getParameterValues(),
            statement.getFetchSize()).resultSets;
        statement.updateCount = results.get(0).updateCount;
        return results;
      } catch (NoSuchStatementException e) {
        throw new SQLException("statement " + statement.handle.id + " is unknown to the server", "HY010", e);
      }
    }
  }

  /** The SQL {@code statement} was prepared with, as the server echoed it (null if not prepared). */
  public static String preparedSql(AvaticaStatement statement) {
    Meta.Signature signature = statement.getSignature();
    return signature == null ? null : signature.sql;
  }

  /** A result set of {@code statement} over {@code result}; later frames are fetched as for any result. */
  public static ResultSet resultSet(AvaticaStatement statement, Meta.MetaResultSet result) throws SQLException {
    AvaticaResultSet resultSet = statement.connection.factory.newResultSet(statement,
        new QueryState(result.signature.sql), result.signature, statement.connection.getTimeZone(),
        result.firstFrame);
    return resultSet.execute();
  }

  /** A result set of {@code statement} with no columns and no rows, made on the client. */
  public static ResultSet empty(AvaticaStatement statement) throws SQLException {
    Meta.Signature signature = Meta.Signature.create(List.of(), "", List.of(), Meta.CursorFactory.LIST,
        Meta.StatementType.SELECT);
    AvaticaResultSet resultSet = statement.connection.factory.newResultSet(statement, new QueryState(""),
        signature, statement.connection.getTimeZone(), Meta.Frame.EMPTY);
    return resultSet.execute();
  }

  private static void closeOpenResult(AvaticaStatement statement) {
    AvaticaResultSet open = statement.openResultSet;
    statement.openResultSet = null;
    if (open != null) {
      open.close();
    }
  }
}
