package dev.meridian.paxos.types;

import java.util.Objects;

/**
 * The state machine as of {@code lastSlot} (every slot up to it applied), with the membership in
 * force at that slot. {@code data} is opaque to Paxos: the driver produces it from the state machine
 * and installs it back. A fresh group starts from the empty snapshot at {@link Slot#NONE}.
 */
public record Snapshot(Slot lastSlot, Membership membership, byte[] data) {

  public Snapshot {
    Objects.requireNonNull(lastSlot);
    Objects.requireNonNull(membership);
    Objects.requireNonNull(data);
  }

  public static Snapshot initial(Membership membership) {
    return new Snapshot(Slot.NONE, membership, new byte[0]);
  }

  @Override
  public String toString() {
    return "snapshot@" + lastSlot + "[" + membership + ", " + data.length + " bytes]";
  }
}
