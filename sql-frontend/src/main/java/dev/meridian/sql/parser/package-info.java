/**
 * Meridian's SQL parser: Calcite's grammar, generated at build time from Calcite's own template
 * with Meridian's DDL, placement and SHOW statements added (see {@link dev.meridian.sql.parser.MeridianSqlParser}).
 */
package dev.meridian.sql.parser;
