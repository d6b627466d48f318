package dev.meridian.storage.rocks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts, deletes and range deletes on the {@link RawFamily raw families}, written by {@link
 * RocksMvccEngine#writeRaw} atomically and in the order they were added (a put after a range delete
 * that covers its key survives; one before it does not). The batch keeps the arrays it is given:
 * callers must not change them afterwards.
 *
 * <p>Not thread-safe; build it on one thread, then hand it to the engine and drop it.
 */
public final class RawBatch {

  /** One change, in the order added. */
  sealed interface Mutation permits Put, Delete, DeleteRange {
    RawFamily family();
  }

  record Put(RawFamily family, byte[] key, byte[] value) implements Mutation {}

  record Delete(RawFamily family, byte[] key) implements Mutation {}

  /** Deletes every key in {@code [from, to)}. */
  record DeleteRange(RawFamily family, byte[] from, byte[] to) implements Mutation {}

  private final List<Mutation> mutations = new ArrayList<>();

  public RawBatch put(RawFamily family, byte[] key, byte[] value) {
    mutations.add(new Put(Objects.requireNonNull(family), Objects.requireNonNull(key), Objects.requireNonNull(value)));
    return this;
  }

  public RawBatch delete(RawFamily family, byte[] key) {
    mutations.add(new Delete(Objects.requireNonNull(family), Objects.requireNonNull(key)));
    return this;
  }

  /** Deletes every key {@code k} with {@code fromInclusive <= k < toExclusive} (bytewise). */
  public RawBatch deleteRange(RawFamily family, byte[] fromInclusive, byte[] toExclusive) {
    if (java.util.Arrays.compareUnsigned(fromInclusive, toExclusive) > 0) {
      throw new IllegalArgumentException("range delete with its start above its end");
    }
    mutations.add(new DeleteRange(Objects.requireNonNull(family), fromInclusive, toExclusive));
    return this;
  }

  public boolean isEmpty() {
    return mutations.isEmpty();
  }

  /** Number of changes added. */
  public int size() {
    return mutations.size();
  }

  List<Mutation> mutations() {
    return List.copyOf(mutations);
  }
}
