package dev.meridian.storage.range;

/**
 * The state of every range in a {@link RangeStore} at one instant: later batches are invisible to it.
 * Close it promptly; an open snapshot pins old data (RocksDB cannot compact it away).
 */
public interface RangeSnapshot extends RangeReads, AutoCloseable {
  @Override
  void close();
}
