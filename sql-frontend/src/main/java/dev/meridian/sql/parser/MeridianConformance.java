package dev.meridian.sql.parser;

import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;

/**
 * The SQL dialect rules Meridian accepts: Calcite's {@link SqlConformanceEnum#DEFAULT} with the few
 * everyday extensions that users of PostgreSQL, MySQL and Spanner expect, each chosen here.
 *
 * <p>Not {@code LENIENT} or {@code BABEL}: those switch on everything Calcite can parse (APPLY,
 * MINUS, {@code LIMIT start, count}, colon field access, string literals as aliases, …) and grow
 * with each Calcite release, so what Meridian accepts would change under our feet. The parser
 * and the validator read the same conformance, so the lead's validator should use
 * {@link #INSTANCE} too.
 */
public final class MeridianConformance extends SqlDelegatingConformance {

  public static final MeridianConformance INSTANCE = new MeridianConformance();

  private MeridianConformance() {
    super(SqlConformanceEnum.DEFAULT);
  }

  /** {@code LIMIT n OFFSET m} is always accepted; this also accepts {@code OFFSET m LIMIT n}. */
  @Override
  public boolean isOffsetLimitAllowed() {
    return true;
  }

  /**
   * MySQL's {@code LIMIT start, count} stays rejected: it is easily misread as {@code LIMIT count,
   * start}, and {@code LIMIT count OFFSET start} says the same thing plainly.
   */
  @Override
  public boolean isLimitStartCountAllowed() {
    return false;
  }

  /**
   * {@code INSERT INTO t VALUES (1, 2)} into a table with more columns fills the first columns and
   * gives the rest their defaults, as PostgreSQL does. Meridian needs it for tables declared without a
   * primary key: their hidden row id column comes last and is filled by the database.
   */
  @Override
  public boolean isInsertSubsetColumnsAllowed() {
    return true;
  }

  /** {@code a != b}: every client and ORM writes it. */
  @Override
  public boolean isBangEqualAllowed() {
    return true;
  }

  /** {@code a % b} as MOD. */
  @Override
  public boolean isPercentRemainderAllowed() {
    return true;
  }

  /** {@code GROUP BY 1}, as PostgreSQL and MySQL allow. */
  @Override
  public boolean isGroupByOrdinal() {
    return true;
  }

  /** {@code GROUP BY alias}, as PostgreSQL and MySQL allow. */
  @Override
  public boolean isGroupByAlias() {
    return true;
  }

  /** {@code HAVING alias}, as MySQL allows. */
  @Override
  public boolean isHavingAlias() {
    return true;
  }
}
