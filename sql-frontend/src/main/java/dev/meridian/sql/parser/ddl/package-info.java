/**
 * Parse trees of Meridian's own statements: tables, indexes, views, placement policies, splits and
 * SHOW. Each node has typed getters, unparses to SQL that parses back to an equal tree, and lists
 * its parts in {@code getOperandList()} (flags as literals, as Calcite's {@code SqlJoin} does), so
 * {@code equalsDeep}, {@code clone} and {@code SqlShuttle}s see the whole statement.
 *
 * <p>UPSERT is Calcite's {@link org.apache.calcite.sql.SqlInsert} with
 * {@link org.apache.calcite.sql.SqlInsert#isUpsert()}; {@code SET name = value} is Calcite's
 * {@link org.apache.calcite.sql.SqlSetOption}.
 */
package dev.meridian.sql.parser.ddl;
