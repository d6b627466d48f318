package dev.meridian.conformance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import net.hydromatic.sqllogictest.ISqlTestOperation;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SltSqlStatement;
import net.hydromatic.sqllogictest.SltTestFile;
import net.hydromatic.sqllogictest.SqlTestQuery;
import net.hydromatic.sqllogictest.TestStatistics;
import net.hydromatic.sqllogictest.executors.JdbcExecutor;

/**
 * Runs one sqllogictest file against Meridian through its JDBC driver. The library checks results
 * (sorting, hashing, value formatting); this executor decides what a failure means:
 * <ul>
 *   <li>a query that errors or returns the wrong rows is a failed test;
 *   <li>a {@code statement ok} that fails, or a {@code statement error} that succeeds, is counted
 *       in {@link #statementFailures()} and the file goes on (the library would abandon the file,
 *       hiding how many of its queries still pass);
 *   <li>tables and views are dropped plainly (no CASCADE, which Meridian's grammar does not have).
 * </ul>
 */
final class MeridianSltExecutor extends JdbcExecutor {

  private long statementFailures;
  private long statementsRun;
  private String firstStatementError;

  MeridianSltExecutor(OptionsParser.SuppliedOptions options, String url) {
    super(options, url, "", "");
  }

  long statementFailures() {
    return statementFailures;
  }

  long statementsRun() {
    return statementsRun;
  }

  String firstStatementError() {
    return firstStatementError;
  }

  @Override
  public TestStatistics execute(SltTestFile file, OptionsParser.SuppliedOptions options)
      throws SQLException {
    statementFailures = 0;
    statementsRun = 0;
    firstStatementError = null;
    establishConnection();
    try {
      dropAllViews();
      dropAllTables();
      FailureRecorder result = new FailureRecorder(options.verbosity);
      for (ISqlTestOperation operation : file.fileContents) {
        SltSqlStatement statement = operation.as(SltSqlStatement.class);
        if (statement != null) {
          runStatement(statement);
        } else {
          runQuery(operation.to(options.err, SqlTestQuery.class), result);
        }
      }
      dropAllViews();
      dropAllTables();
      return result;
    } finally {
      closeConnection();
    }
  }

  private void runStatement(SltSqlStatement statement) {
    statementsRun++;
    String failure = null;
    try (Statement jdbc = connection.createStatement()) {
      jdbc.execute(statement.statement);
      if (!statement.shouldPass) {
        failure = "statement succeeded but should have failed: " + statement.statement;
      }
    } catch (SQLException e) {
      if (statement.shouldPass) {
        failure = "[" + e.getSQLState() + "] " + e.getMessage() + " in: " + statement.statement;
      }
    }
    if (failure != null) {
      statementFailures++;
      if (firstStatementError == null) {
        firstStatementError = failure;
      }
    }
  }

  private void runQuery(SqlTestQuery query, TestStatistics result) {
    try (Statement jdbc = connection.createStatement();
        ResultSet rows = jdbc.executeQuery(query.getQuery())) {
      validate(query, rows, query.outputDescription, result);
    } catch (Exception e) {
      String state = e instanceof SQLException sql ? "[" + sql.getSQLState() + "] " : "";
      result.addFailure(new TestStatistics.FailedTestDescription(query, state + e.getMessage(), null, null));
    }
  }

  @Override
  public void dropAllTables() throws SQLException {
    dropAll("TABLE");
  }

  @Override
  public void dropAllViews() throws SQLException {
    dropAll("VIEW");
  }

  private void dropAll(String kind) throws SQLException {
    java.util.List<String> names = new java.util.ArrayList<>();
    try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[] {kind})) {
      while (tables.next()) {
        names.add(tables.getString(3));
      }
    }
    for (String name : names) {
      try (Statement drop = connection.createStatement()) {
        drop.execute("DROP " + kind + " IF EXISTS \"" + name.replace("\"", "\"\"") + "\"");
      }
    }
  }
}
