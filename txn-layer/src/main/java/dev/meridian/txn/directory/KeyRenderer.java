package dev.meridian.txn.directory;

import dev.meridian.storage.Key;

/**
 * Renders a range boundary for {@code SHOW RANGES}. sql-frontend implements it from the catalog
 * (a table boundary as the table's name, a row boundary as its primary-key values, e.g. {@code
 * /orders/(42, 'x')}), falling back to {@link HexKeyRenderer} for keys it cannot decode; the
 * directory itself knows no schema.
 */
public interface KeyRenderer {

  /** A start or end key of a range. */
  String render(Key key);

  /** The end of the last range, which is the end of the key space rather than a key. */
  default String renderEndOfKeySpace() {
    return "MAX";
  }
}
