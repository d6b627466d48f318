package dev.meridian.paxos.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A value accepted (or chosen) for one slot, with the ballot at which it was accepted. Two entries
 * carry the same <i>value</i> when kind and data are equal, whatever their ballots: a new leader
 * re-proposes old values under its own ballot.
 */
public record Entry(Slot slot, Ballot ballot, EntryKind kind, byte[] data) {

  public Entry {
    Objects.requireNonNull(slot);
    Objects.requireNonNull(ballot);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(data);
    if (slot.value() < 1) {
      throw new IllegalArgumentException("entries start at slot 1");
    }
  }

  public static Entry command(Slot slot, Ballot ballot, byte[] data) {
    return new Entry(slot, ballot, EntryKind.COMMAND, data.clone());
  }

  public static Entry noop(Slot slot, Ballot ballot) {
    return new Entry(slot, ballot, EntryKind.NOOP, new byte[0]);
  }

  public static Entry confChange(Slot slot, Ballot ballot, ConfChange change) {
    return new Entry(slot, ballot, EntryKind.CONF_CHANGE, change.encode());
  }

  public Entry withBallot(Ballot newBallot) {
    return newBallot.equals(ballot) ? this : new Entry(slot, newBallot, kind, data);
  }

  public boolean sameValue(Entry other) {
    return kind == other.kind && Arrays.equals(data, other.data);
  }

  public ConfChange confChange() {
    if (kind != EntryKind.CONF_CHANGE) {
      throw new IllegalStateException("entry " + slot + " is not a conf change");
    }
    return ConfChange.decode(data);
  }

  /** The value alone, for traces and checks: the command as UTF-8, {@code noop}, or the change. */
  public String valueString() {
    return switch (kind) {
      case COMMAND -> new String(data, StandardCharsets.UTF_8);
      case NOOP -> "noop";
      case CONF_CHANGE -> confChange().toString();
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && slot.equals(e.slot)
        && ballot.equals(e.ballot)
        && kind == e.kind
        && Arrays.equals(data, e.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(slot, ballot, kind, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return slot + "@" + ballot + ":" + valueString();
  }
}
