package dev.meridian.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;

/**
 * The {@code DatabaseMetaData} answers that describe Meridian rather than Avatica. Avatica's
 * client answers names and versions from its own build ("Avatica", "unknown version") and
 * capabilities with guesses for a generic server; a framework picks its dialect and features
 * from them (Hibernate's dialect resolution reads the product name and major version). So:
 *
 * <ul>
 *   <li>the database's product name and version come from the server (its {@code
 *       getDatabaseProperties}, filled from the server's build), the driver's from this jar's build
 *       ({@link BuildVersion});
 *   <li>each capability below is what the server really does, checked against its code (see the
 *       comments), rather than Avatica's default;
 *   <li>keywords and function lists are the server's own (Avatica already asks it for them).
 * </ul>
 */
final class MeridianMetaData {

  /**
   * Whether {@code Statement.getGeneratedKeys} returns the keys an INSERT generated. The one place
   * that says so: {@code supportsGetGeneratedKeys} answers it, and generated-key support flips it.
   */
  static final boolean SUPPORTS_GENERATED_KEYS = false;

  /**
   * Fixed answers of methods without arguments. Each is what the code does: the transaction model
   * (Session in sql-frontend, DESIGN.md §6/§8), the parser's identifier rules (MeridianSqlParser:
   * double quotes, unquoted folded to upper case, quoted kept), the catalog (one schema PUBLIC, no
   * catalogs; DDL has ALTER TABLE ADD COLUMN but no DROP COLUMN), NULLs sorting low (QueryPlanner).
   */
  private static final Map<String, Object> ANSWERS = Map.ofEntries(
      // Transactions: OCC read-write transactions, all SERIALIZABLE (strictly serializable).
      Map.entry("supportsTransactions", true),
      Map.entry("getDefaultTransactionIsolation", Connection.TRANSACTION_SERIALIZABLE),
      Map.entry("supportsMultipleTransactions", true),
      Map.entry("supportsSavepoints", true),
      // DDL inside an explicit transaction fails with 25001; it neither commits nor is ignored.
      Map.entry("supportsDataDefinitionAndDataManipulationTransactions", false),
      Map.entry("supportsDataManipulationTransactionsOnly", true),
      Map.entry("dataDefinitionCausesTransactionCommit", false),
      Map.entry("dataDefinitionIgnoredInTransactions", false),
      // A result's rows are read inside its transaction; statements live until closed.
      Map.entry("supportsOpenCursorsAcrossCommit", false),
      Map.entry("supportsOpenCursorsAcrossRollback", false),
      Map.entry("supportsOpenStatementsAcrossCommit", true),
      Map.entry("supportsOpenStatementsAcrossRollback", true),
      Map.entry("getResultSetHoldability", ResultSet.CLOSE_CURSORS_AT_COMMIT),
      Map.entry("supportsBatchUpdates", true),
      Map.entry("supportsGetGeneratedKeys", SUPPORTS_GENERATED_KEYS),
      Map.entry("generatedKeyAlwaysReturned", false),
      Map.entry("supportsSelectForUpdate", false),
      Map.entry("supportsStoredProcedures", false),
      Map.entry("supportsStoredFunctionsUsingCallSyntax", false),
      Map.entry("allProceduresAreCallable", false),
      Map.entry("supportsPositionedDelete", false),
      Map.entry("supportsPositionedUpdate", false),
      Map.entry("supportsMultipleResultSets", false),
      Map.entry("supportsMultipleOpenResults", false),
      Map.entry("supportsNamedParameters", false),
      Map.entry("supportsStatementPooling", false),
      // Identifiers.
      Map.entry("getIdentifierQuoteString", "\""),
      Map.entry("supportsMixedCaseIdentifiers", false),
      Map.entry("storesUpperCaseIdentifiers", true),
      Map.entry("storesLowerCaseIdentifiers", false),
      Map.entry("storesMixedCaseIdentifiers", false),
      Map.entry("supportsMixedCaseQuotedIdentifiers", true),
      Map.entry("storesUpperCaseQuotedIdentifiers", false),
      Map.entry("storesLowerCaseQuotedIdentifiers", false),
      Map.entry("storesMixedCaseQuotedIdentifiers", false),
      Map.entry("getSearchStringEscape", "\\"),
      Map.entry("getExtraNameCharacters", ""),
      // NULL sorts low: first ascending, last descending.
      Map.entry("nullsAreSortedLow", true),
      Map.entry("nullsAreSortedHigh", false),
      Map.entry("nullsAreSortedAtStart", false),
      Map.entry("nullsAreSortedAtEnd", false),
      Map.entry("nullPlusNonNullIsNull", true),
      // Schemas and catalogs: one schema, PUBLIC, usable to qualify names in queries, DML and DDL.
      Map.entry("getSchemaTerm", "schema"),
      Map.entry("supportsSchemasInDataManipulation", true),
      Map.entry("supportsSchemasInTableDefinitions", true),
      Map.entry("supportsSchemasInIndexDefinitions", true),
      Map.entry("supportsSchemasInProcedureCalls", false),
      Map.entry("supportsSchemasInPrivilegeDefinitions", false),
      Map.entry("supportsCatalogsInDataManipulation", false),
      Map.entry("supportsCatalogsInTableDefinitions", false),
      Map.entry("supportsCatalogsInIndexDefinitions", false),
      Map.entry("supportsCatalogsInProcedureCalls", false),
      Map.entry("supportsCatalogsInPrivilegeDefinitions", false),
      Map.entry("getCatalogSeparator", ""),
      Map.entry("getCatalogTerm", ""),
      Map.entry("supportsAlterTableWithAddColumn", true),
      Map.entry("supportsAlterTableWithDropColumn", false),
      // Grammar levels: Calcite's SQL, short of SQL-92 intermediate (no ALTER of constraints, no
      // domains, no schema DDL).
      Map.entry("supportsMinimumSQLGrammar", true),
      Map.entry("supportsCoreSQLGrammar", true),
      Map.entry("supportsExtendedSQLGrammar", false),
      Map.entry("supportsANSI92EntryLevelSQL", true),
      Map.entry("supportsANSI92IntermediateSQL", false),
      Map.entry("supportsANSI92FullSQL", false),
      Map.entry("supportsIntegrityEnhancementFacility", false),
      Map.entry("getSQLStateType", DatabaseMetaData.sqlStateSQL),
      Map.entry("usesLocalFiles", false),
      Map.entry("usesLocalFilePerTable", false));

  /** Methods with arguments whose answer depends only on the arguments. */
  private static Optional<Object> withArguments(String name, Object[] args) {
    return switch (name) {
      case "supportsTransactionIsolationLevel" ->
          Optional.of((Integer) args[0] == Connection.TRANSACTION_SERIALIZABLE);
      case "supportsResultSetHoldability" -> Optional.of((Integer) args[0] == ResultSet.CLOSE_CURSORS_AT_COMMIT);
      // No updatable or scrollable result sets: nothing about updates is visible or detected.
      case "ownUpdatesAreVisible", "ownDeletesAreVisible", "ownInsertsAreVisible", "othersUpdatesAreVisible",
          "othersDeletesAreVisible", "othersInsertsAreVisible", "updatesAreDetected", "deletesAreDetected",
          "insertsAreDetected" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  private MeridianMetaData() {}

  /**
   * The answer for {@code method}, if Meridian gives it rather than Avatica.
   *
   * @param target Avatica's metadata (for the server's properties)
   * @param connection the application's connection (the proxy)
   */
  static Optional<Object> answer(DatabaseMetaData target, Connection connection, Method method, Object[] args)
      throws SQLException {
    String name = method.getName();
    int arity = args == null ? 0 : args.length;
    if (arity > 0) {
      return withArguments(name, args);
    }
    Object fixed = ANSWERS.get(name);
    if (fixed != null) {
      return Optional.of(fixed);
    }
    return switch (name) {
      case "isReadOnly" -> Optional.of(connection.isReadOnly());
      case "getDatabaseProductName" -> Optional.of(server(target, "GET_DATABASE_PRODUCT_NAME"));
      case "getDatabaseProductVersion" -> Optional.of(server(target, "GET_DATABASE_PRODUCT_VERSION"));
      case "getDatabaseMajorVersion" -> Optional.of(BuildVersion.parse(server(target, "GET_DATABASE_PRODUCT_VERSION")).major());
      case "getDatabaseMinorVersion" -> Optional.of(BuildVersion.parse(server(target, "GET_DATABASE_PRODUCT_VERSION")).minor());
      case "getDriverName" -> Optional.of(BuildVersion.DRIVER_NAME);
      case "getDriverVersion" -> Optional.of(BuildVersion.driver().text());
      case "getDriverMajorVersion" -> Optional.of(BuildVersion.driver().major());
      case "getDriverMinorVersion" -> Optional.of(BuildVersion.driver().minor());
      default -> Optional.empty();
    };
  }

  /** One of the server's properties; Avatica's RemoteMeta fetches them once per connection. */
  private static String server(DatabaseMetaData target, String property) throws SQLException {
    Properties properties = target.unwrap(AvaticaSpecificDatabaseMetaData.class).getRemoteAvaticaProperties();
    String value = properties.getProperty(property);
    if (value == null) {
      throw SqlStates.of("the server did not report " + property, "58000", 0, null);
    }
    return value;
  }
}
