package dev.meridian.txn.directory;

import dev.meridian.storage.Key;

/**
 * A split that {@link SplitPlanner} will not plan. Not retryable: the same split key would be
 * refused again. {@link #sqlState()} is what ALTER TABLE … SPLIT AT reports.
 */
public final class SplitRefusedException extends RuntimeException {

  /** Why, each with the SQLSTATE the user sees. */
  public enum Reason {
    /** The key already starts a range; splitting there would make an empty range. */
    AT_EXISTING_BOUNDARY("42710"),
    /** No descriptor holds the key: the descriptors given do not cover the key space (a bug). */
    OUTSIDE_ANY_RANGE("XX000"),
    /** The key is in the meta or system span, which never split. */
    SYSTEM_SPAN("0A000"),
    /** The key is not under the table-data prefix in the layout of {@link ClusterKeySpace}. */
    OUTSIDE_TABLE_DATA("22023"),
    /** The key is inside a secondary index (or between two indexes of a table). */
    INSIDE_SECONDARY_INDEX("22023"),
    /** The key is a table's primary-index prefix with no key columns after it. */
    EMPTY_ROW_PREFIX("22023"),
    /** The bytes after the primary-index prefix are not whole primary-key columns. */
    NOT_A_ROW_BOUNDARY("22023"),
    /** The key is longer than {@link DirectoryLimits#maxKeyBytes}. */
    KEY_TOO_LONG("54000"),
    /** The node has one local range and no directory (started without {@code --port}): nothing splits. */
    NO_SPLITS_HERE("0A000");

    private final String sqlState;

    Reason(String sqlState) {
      this.sqlState = sqlState;
    }

    public String sqlState() {
      return sqlState;
    }
  }

  private final Reason reason;
  private final Key splitKey;

  public SplitRefusedException(Reason reason, Key splitKey, String message) {
    super(message);
    this.reason = reason;
    this.splitKey = splitKey;
  }

  public Reason reason() {
    return reason;
  }

  public Key splitKey() {
    return splitKey;
  }

  public String sqlState() {
    return reason.sqlState();
  }
}
