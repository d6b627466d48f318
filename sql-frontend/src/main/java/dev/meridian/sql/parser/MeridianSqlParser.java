package dev.meridian.sql.parser;

import dev.meridian.sql.parser.impl.MeridianSqlParserImpl;
import java.util.List;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Entry point of Meridian's SQL parser: Calcite's standard grammar plus Meridian's DDL, placement,
 * SHOW and UPSERT statements (listed in sql-frontend/README.md).
 *
 * <p>Lexical rules ({@link #CONFIG}):
 * <ul>
 *   <li>Identifiers are quoted with double quotes, as in standard SQL and PostgreSQL.
 *   <li>Unquoted identifiers are folded to UPPER case, as the SQL standard (and Oracle, DB2, H2,
 *       Snowflake) do; quoted identifiers keep their case; and name matching is then exact
 *       (case-sensitive). So {@code customers}, {@code Customers} and {@code "CUSTOMERS"} are one
 *       table, and {@code "customers"} is another. Upper rather than PostgreSQL's lower case
 *       because it is Calcite's own default, the one its operator tables, built-in functions and
 *       tests are written against, and what JDBC metadata ({@code storesUpperCaseIdentifiers})
 *       lets tools assume; the catalog stores each name in its folded form and compares exactly.
 *   <li>Conformance is {@link MeridianConformance}: standard SQL with LIMIT/OFFSET in either
 *       order, {@code !=}, {@code %}, GROUP BY ordinal and alias.
 * </ul>
 *
 * <p>Failures are {@link SqlParseException}s with a line and column; {@link ParseErrors} turns
 * them into a message for the user (SQLSTATE 42601).
 */
public final class MeridianSqlParser {

  /** The parser settings Meridian uses everywhere a statement is parsed. */
  static {
    // Before anything of Calcite's loads its settings (parser tests run without an engine).
    dev.meridian.sql.plan.CalciteSettings.apply();
  }

  public static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(MeridianSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_UPPER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(true)
      .withConformance(MeridianConformance.INSTANCE);

  /**
   * Writes SQL that {@link #parse} reads back to an equal tree: every identifier double-quoted, so
   * names keep their (already folded) case.
   */
  public static final SqlDialect DIALECT = CalciteSqlDialect.DEFAULT;

  private MeridianSqlParser() {}

  /** Parses one statement; a trailing semicolon is not allowed (use {@link #parseStatements}). */
  public static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, CONFIG).parseStmt();
  }

  /**
   * Parses statements separated by semicolons; empty statements (";;", trailing ";") are skipped,
   * and blank input is no statements.
   */
  public static List<SqlNode> parseStatements(String sql) throws SqlParseException {
    if (sql.isBlank()) {
      // Calcite's statement list cannot compute the position of an empty list.
      return List.of();
    }
    return SqlParser.create(sql, CONFIG).parseStmtList().getList();
  }

  /** SQL text for {@code node} in {@link #DIALECT}; parsing it gives back an equal tree. */
  public static String unparse(SqlNode node) {
    return node.toSqlString(DIALECT).getSql();
  }
}
