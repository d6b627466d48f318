package dev.meridian.storage.range;

import dev.meridian.storage.KeySpan;
import dev.meridian.storage.codec.BinaryReader;
import java.util.List;

/**
 * The checks every {@link RangeStaging} makes on a chunk before staging any of it: well formed,
 * strictly after the last staged entry in the state order (so a replayed or reordered chunk is
 * refused, not merged), versions and intents inside the span being installed, and no applied slot
 * written by anything but its own kind's layout.
 */
public final class StagingChecks {

  private StagingChecks() {}

  /** The chunk's entries, checked; throws {@link BinaryReader.MalformedException} otherwise. */
  public static List<RangeEntry> check(byte[] chunk, KeySpan span, RangeEntry lastStaged) {
    List<RangeEntry> entries = RangeEntryCodec.decode(chunk);
    RangeEntry previous = lastStaged;
    for (RangeEntry entry : entries) {
      if (previous != null && RangeEntry.STATE_ORDER.compare(previous, entry) >= 0) {
        throw new BinaryReader.MalformedException(
            "snapshot entry " + entry + " is not after " + previous + " in the state order");
      }
      switch (entry) {
        case RangeEntry.VersionEntry v -> requireInSpan(span, v.key(), entry);
        case RangeEntry.IntentEntry i -> requireInSpan(span, i.intent().key(), entry);
        case RangeEntry.Local local -> {
          if (local.kind() == LocalKind.APPLIED_SLOT && (local.suffix().length != 0 || local.value().length != 8)) {
            throw new BinaryReader.MalformedException("applied slot entry is not an empty suffix and 8 bytes");
          }
        }
      }
      previous = entry;
    }
    return entries;
  }

  private static void requireInSpan(KeySpan span, dev.meridian.storage.Key key, RangeEntry entry) {
    if (!span.contains(key)) {
      throw new BinaryReader.MalformedException("snapshot entry " + entry + " is outside the span " + span);
    }
  }

  /** The slot of an applied-slot entry's value. */
  public static long slotOf(byte[] value) {
    return new BinaryReader(value).i64("applied slot");
  }

  public static byte[] slotValue(long slot) {
    return new dev.meridian.storage.codec.BinaryWriter(8).i64(slot).toByteArray();
  }
}
