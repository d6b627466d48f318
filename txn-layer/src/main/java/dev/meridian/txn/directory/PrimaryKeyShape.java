package dev.meridian.txn.directory;

/**
 * What the directory needs to know of a table's primary key to accept a split inside it: whether
 * the bytes after {@code 0x10 | tableId | 1} are whole encoded primary-key columns. The key codec's
 * columns are not self-describing (their widths depend on their types), so only the catalog can
 * tell. sql-frontend implements it from the catalog (decode the columns with {@code KeyReader} in
 * the primary key's types and directions).
 */
public interface PrimaryKeyShape {

  /**
   * Whether {@code key[offset..]} is a non-empty prefix of whole columns of table {@code tableId}'s
   * primary key, nothing after the last column. False for a table that does not exist.
   */
  boolean isWholeColumnPrefix(long tableId, byte[] key, int offset);
}
