package dev.meridian.txn.range.state;

/**
 * The sending side of a range snapshot: the range's whole state (metadata and applied slot first,
 * then versions, then write intents) at one storage snapshot, as a sequence of chunks of at most
 * {@code maxChunkBytes} each ({@link dev.meridian.storage.range.RangeEntryCodec}). Pulled one chunk
 * at a time, so a slow receiver holds back the reads (back-pressure) and memory stays one chunk.
 *
 * <p>Adapter needed (helper paxos-sm's driver side): the driver's chunked-snapshot stream calls
 * {@link #nextChunk} until it returns null and sends each chunk in a frame, closing the source when
 * done or abandoned; {@link #appliedSlot} is the slot the snapshot stands for (the log position the
 * receiver resumes after).
 */
public interface RangeSnapshotSource extends AutoCloseable {

  /** The slot the snapshot stands for. */
  long appliedSlot();

  /** The next chunk, or null after the last one. */
  byte[] nextChunk();

  @Override
  void close();
}
