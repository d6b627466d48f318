/**
 * The order-preserving key codec (DESIGN.md §3): SQL values become key bytes whose unsigned
 * lexicographic order is the values' SQL order, for single columns and composite keys, each column
 * ascending or descending. {@link dev.meridian.storage.codec.KeyCodec} owns the byte layout; {@link
 * dev.meridian.storage.codec.SqlValueOrder} states the order it must reproduce.
 */
package dev.meridian.storage.codec;
