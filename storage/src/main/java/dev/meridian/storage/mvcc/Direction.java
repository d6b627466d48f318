package dev.meridian.storage.mvcc;

/** Order of a scan: ascending or descending key order. */
public enum Direction {
  FORWARD,
  REVERSE
}
