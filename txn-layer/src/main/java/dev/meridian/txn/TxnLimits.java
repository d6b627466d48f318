package dev.meridian.txn;

/**
 * The bounds of the transaction layer (DESIGN.md §11, Bounds), each with its unit, the reason for
 * its value and what happens past it.
 *
 * @param maxWriteBufferBytes what one read-write transaction may buffer before commit: the bytes of
 *     its keys and values plus {@link #WRITE_OVERHEAD_BYTES} per key, each key counted once (the
 *     last write to it wins). The buffer lives on the heap of the coordinating node until commit,
 *     and the commit hands it to storage as one batch, so a transaction that grew without bound
 *     could take the node down with it. Past the bound the transaction fails for good with {@link
 *     TxnLimitException} (SQLSTATE 54000): what it buffered is dropped at once, and it can only be
 *     rolled back. The default, 32 MiB, takes 100,000s of narrow rows in one transaction (a batch
 *     of 1,000 rows of a loader is about 100 KiB), while eight such transactions still fit in a
 *     node's heap of 1 GiB with room for their copies at commit. Counted in {@code
 *     meridian_statement_errors_total{sqlstate="54000"}}.
 */
public record TxnLimits(long maxWriteBufferBytes) {

  /**
   * What one buffered key costs besides its bytes: the map entry, the {@code Write} and {@code Key}
   * objects and their arrays' headers, about 100 bytes on a 64-bit JVM; rounded down so that the
   * bound stays about bytes the user wrote.
   */
  public static final int WRITE_OVERHEAD_BYTES = 64;

  public TxnLimits {
    if (maxWriteBufferBytes <= 0) {
      throw new IllegalArgumentException("maxWriteBufferBytes must be positive, got " + maxWriteBufferBytes);
    }
  }

  public static TxnLimits defaults() {
    return new TxnLimits(32L << 20);
  }
}
