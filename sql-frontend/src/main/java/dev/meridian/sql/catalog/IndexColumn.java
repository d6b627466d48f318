package dev.meridian.sql.catalog;

/** A column of a primary key or index, in ascending or descending order. */
public record IndexColumn(int columnId, boolean descending) {}
