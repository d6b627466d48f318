package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.plan.AccessPath;

/**
 * What one scan reads, fixed at plan time: the table, the access path (index and key ranges), the
 * columns it returns ({@code projection}: positions in the table's columns), at most how many rows
 * ({@code limit}, -1 for all) and in which direction of the index.
 */
public record ScanSpec(Table table, AccessPath path, int[] projection, long limit, boolean reverse) {}
