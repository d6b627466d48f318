package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The layout of the meta range (DESIGN §7): one entry per range, keyed by the range's end key, so
 * that a forward scan finds the range of a key with one seek.
 *
 * <pre>
 *   key   = 0x00 'm' 0x01 | endKey      a range whose span ends at endKey (raw bytes, not escaped)
 *         = 0x00 'm' 0x02               the last range, whose span runs to the end of the key space
 *   value = {@link DescriptorCodec} encoding of the range's descriptor
 * </pre>
 *
 * <p>Why this is ordered as the ranges are: every entry key is the fixed prefix {@code 0x00 'm'},
 * then a marker, then (for 0x01) the end key with nothing after it. Two 0x01 entries therefore
 * compare exactly as their end keys do (no escaping is needed, because no bytes follow the end key;
 * the MVCC layer escapes stored keys itself), and the sentinel's marker 0x02 sorts after every 0x01
 * entry whatever its end key, which raw bytes alone could never do: no finite byte string sorts
 * after every other. All entries lie inside the meta range's own span {@code ["", 0x01)}, so the
 * meta range holds its own entry too.
 *
 * <p><b>Lookup, exactly.</b> A range owns {@code [start, end)}. The range of key {@code k} is the
 * one with the smallest end key {@code E} such that {@code E > k} (strictly), the sentinel counting
 * as greater than every key. Because {@code k.successor()} (k followed by 0x00) is the smallest key
 * greater than {@code k}, that is the first entry of a forward scan of the meta range starting,
 * inclusively, at {@code entryKey(k.successor())}: {@code entry >= 0x00 'm' 0x01 | k 0x00}. A key
 * equal to a range's end key is therefore <em>not</em> found in that range (its entry sorts below
 * the scan start) but in the next one, whose start key it is. The empty key finds the first range.
 *
 * <p>For a reverse scan whose span ends (exclusively) at {@code e}, the range holding the keys just
 * below {@code e} is the one with the smallest {@code E >= e}: the first entry at or after {@code
 * entryKey(e)} ({@link #lookupBeforeScanStart}); a range that ends exactly at {@code e} is the one
 * wanted there, not the next.
 */
public final class MetaLayout {

  static final byte MARKER_BOUNDED = 0x01;
  static final byte MARKER_END_OF_KEY_SPACE = 0x02;
  private static final byte[] PREFIX = {ClusterKeySpace.META_BYTE, 'm'};

  /** Every meta entry, and nothing else: what a lookup scan may read up to. */
  public static final KeySpan ENTRIES =
      new KeySpan(
          Key.of(new byte[] {PREFIX[0], PREFIX[1], MARKER_BOUNDED}),
          Key.of(new byte[] {PREFIX[0], PREFIX[1], MARKER_END_OF_KEY_SPACE + 1}));

  /** The sentinel entry key: the last range's. */
  public static final Key END_OF_KEY_SPACE =
      Key.of(new byte[] {PREFIX[0], PREFIX[1], MARKER_END_OF_KEY_SPACE});

  private MetaLayout() {}

  /** The entry key of a range whose span ends at {@code end}; null means the end of the key space. */
  public static Key entryKey(Key end) {
    if (end == null) {
      return END_OF_KEY_SPACE;
    }
    byte[] bytes = Arrays.copyOf(PREFIX, PREFIX.length + 1 + end.length());
    bytes[PREFIX.length] = MARKER_BOUNDED;
    System.arraycopy(end.unsafeBytes(), 0, bytes, PREFIX.length + 1, end.length());
    return Key.wrap(bytes);
  }

  /** The entry key of {@code descriptor}. */
  public static Key entryKey(RangeDescriptor descriptor) {
    return entryKey(descriptor.span().end());
  }

  /**
   * The end key an entry key names; null for the sentinel.
   *
   * @throws CorruptDescriptorException if {@code entryKey} is not a meta entry key
   */
  public static Key endKeyOf(Key entryKey) {
    byte[] bytes = entryKey.unsafeBytes();
    boolean hasPrefix = bytes.length > PREFIX.length && bytes[0] == PREFIX[0] && bytes[1] == PREFIX[1];
    if (hasPrefix && bytes[PREFIX.length] == MARKER_END_OF_KEY_SPACE && bytes.length == PREFIX.length + 1) {
      return null;
    }
    if (hasPrefix && bytes[PREFIX.length] == MARKER_BOUNDED) {
      return Key.wrap(Arrays.copyOfRange(bytes, PREFIX.length + 1, bytes.length));
    }
    throw new CorruptDescriptorException("not a meta entry key: " + entryKey);
  }

  /** Where the forward meta scan for the range of {@code key} starts (inclusive); see the class comment. */
  public static Key lookupScanStart(Key key) {
    return entryKey(key.successor());
  }

  /**
   * Where the forward meta scan for the range holding the keys just below {@code end} starts
   * (inclusive): used by reverse scans whose span ends at {@code end}.
   */
  public static Key lookupBeforeScanStart(Key end) {
    if (end != null && end.length() == 0) {
      throw new IllegalArgumentException("no key lies below the empty key");
    }
    return entryKey(end);
  }

  /** Whether {@code descriptor} answers the lookup of {@code key}: it contains it. */
  public static boolean answersLookup(RangeDescriptor descriptor, Key key) {
    return descriptor.contains(key);
  }

  /**
   * Whether {@code descriptor} answers the reverse lookup below {@code end} (null: the end of the
   * key space): it holds the keys just below {@code end}, {@code start < end <= its end}.
   */
  public static boolean answersLookupBefore(RangeDescriptor descriptor, Key end) {
    KeySpan span = descriptor.span();
    if (end == null) {
      return span.end() == null;
    }
    return span.start().compareTo(end) < 0 && (span.end() == null || end.compareTo(span.end()) <= 0);
  }

  /**
   * Decodes one meta entry, checking that its key names the descriptor's own end key (an entry
   * filed under another key would route lookups to a range that does not hold them).
   */
  public static RangeDescriptor decodeEntry(Key entryKey, byte[] value, DirectoryLimits limits) {
    Key end = endKeyOf(entryKey);
    RangeDescriptor descriptor = DescriptorCodec.decode(value, limits);
    Key descriptorEnd = descriptor.span().end();
    boolean same = end == null ? descriptorEnd == null : end.equals(descriptorEnd);
    if (!same) {
      throw new CorruptDescriptorException(
          "meta entry " + entryKey + " holds " + descriptor.id() + " ending at "
              + (descriptorEnd == null ? "the end of the key space" : descriptorEnd));
    }
    return descriptor;
  }

  /** One meta-range write: put {@code value} at {@code key}. */
  public record MetaWrite(Key key, byte[] value) {
    @Override
    public String toString() {
      return "put " + key + " (" + value.length + " bytes)";
    }
  }

  /**
   * The timestamp of the meta entries a new cluster starts with: the meta range's bootstrap writes
   * them as versions at this time on every replica alike ({@code RangeStateMachine#bootstrap}), far
   * below any timestamp TrueTime hands out, so every lookup reads them and no transaction's
   * snapshot predates them.
   */
  public static final Timestamp BOOTSTRAP_TS = Timestamp.ofMicros(1);

  /**
   * The meta range's initial contents for {@code layout} (the bootstrap ranges, the meta range's
   * own descriptor among them): one entry per range, in entry-key order. A deterministic function
   * of the layout, so every replica of the meta range bootstraps to the same state.
   *
   * @throws IllegalArgumentException if {@code layout} does not cover the key space with disjoint
   *     ranges in order, or lacks the meta range
   */
  public static List<Write> bootstrapEntries(List<RangeDescriptor> layout) {
    List<RangeDescriptor> ordered = new ArrayList<>(layout);
    ordered.sort(Comparator.comparing(d -> d.span().start()));
    Key expectedStart = Key.EMPTY;
    boolean meta = false;
    List<Write> writes = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      RangeDescriptor descriptor = ordered.get(i);
      if (!descriptor.span().start().equals(expectedStart)) {
        throw new IllegalArgumentException("the layout does not cover the key space: " + descriptor
            + " starts where " + expectedStart + " was expected");
      }
      if (descriptor.span().end() == null && i != ordered.size() - 1) {
        throw new IllegalArgumentException(descriptor + " runs to the end of the key space but is not last");
      }
      meta |= descriptor.id().equals(RangeId.META);
      MetaWrite entry = entry(descriptor);
      writes.add(Write.put(entry.key(), entry.value()));
      expectedStart = descriptor.span().end();
    }
    if (expectedStart != null) {
      throw new IllegalArgumentException("the layout ends at " + expectedStart + ", not at the end of the key space");
    }
    if (!meta) {
      throw new IllegalArgumentException("the layout has no meta range");
    }
    return writes;
  }

  /** The write that files {@code descriptor} in the meta range. */
  public static MetaWrite entry(RangeDescriptor descriptor) {
    return new MetaWrite(entryKey(descriptor), DescriptorCodec.encode(descriptor));
  }
}
