package dev.meridian.sql.catalog;

/**
 * A sequence's definition, as the catalog stores it (its current value lives apart, under {@link
 * KeySpace#sequenceValue}, so drawing values never changes the catalog). Values run from {@code
 * start} by {@code increment} and stay within {@code [minValue, maxValue]}; a node reserves {@code
 * cache} of them at a time. {@code ownerTable} is the table whose identity column the sequence
 * feeds (dropped with it), or null for a sequence created by CREATE SEQUENCE.
 */
public record Sequence(
    long id, String name, long start, long increment, long minValue, long maxValue, long cache,
    String ownerTable) {

  public Sequence {
    if (increment == 0 || cache < 1 || minValue > maxValue || start < minValue || start > maxValue) {
      throw new IllegalArgumentException("sequence " + name + " has inconsistent options");
    }
  }
}
