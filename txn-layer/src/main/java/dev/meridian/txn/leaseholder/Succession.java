package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Timestamp;
import java.util.Objects;

/**
 * How this replica came to hold the Paxos lease, which decides the lowest timestamp its core may
 * use ({@link #floor()}): everything any earlier holder served or assigned lies at or below it.
 */
public sealed interface Succession {

  /** The floor: every earlier holder's reads and timestamps are at or below it. */
  Timestamp floor();

  /**
   * An election: Paxos made this replica leader only once {@code TT.after(priorLeaseEndMicros)} held
   * for every lease vote its promise quorum reported, and every earlier holder served and assigned
   * only below its own lease end, so all of that lies below {@code priorLeaseEndMicros}. 0 when the
   * range never had a lease.
   */
  record Elected(long priorLeaseEndMicros) implements Succession {
    public Elected {
      if (priorLeaseEndMicros < 0) {
        throw new IllegalArgumentException("lease ends are non-negative, got " + priorLeaseEndMicros);
      }
    }

    @Override
    public Timestamp floor() {
      return Timestamp.ofMicros(priorLeaseEndMicros);
    }
  }

  /** A transfer: the previous holder handed over what it served and assigned ({@link Handover}). */
  record Transferred(Handover handover) implements Succession {
    public Transferred {
      Objects.requireNonNull(handover, "handover");
    }

    @Override
    public Timestamp floor() {
      return handover.maxServedOrAssigned();
    }
  }
}
