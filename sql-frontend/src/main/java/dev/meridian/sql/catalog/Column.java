package dev.meridian.sql.catalog;

/**
 * A column of a table. {@code id} is stable for the column's life (rows store values by id, so
 * adding a column does not rewrite them); {@code defaultSql} is the DEFAULT expression as SQL text or
 * null; a hidden column (the row id of a table declared without a primary key) is left out of
 * {@code SELECT *} and of INSERT without a column list.
 */
public record Column(
    int id, String name, ColumnType type, boolean nullable, String defaultSql, boolean hidden) {}
