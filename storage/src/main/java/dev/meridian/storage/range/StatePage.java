package dev.meridian.storage.range;

import java.util.List;

/**
 * One page of a range's state in the state order ({@link RangeEntry}): its entries, their encoded
 * size ({@link RangeEntryCodec}), and the entry to resume after for the next page ({@code
 * resumeAfter}, the last entry of this page, or null when this page ends the state).
 */
public record StatePage(List<RangeEntry> entries, int encodedBytes, RangeEntry resumeAfter) {

  public StatePage {
    entries = List.copyOf(entries);
  }

  public boolean isLast() {
    return resumeAfter == null;
  }
}
