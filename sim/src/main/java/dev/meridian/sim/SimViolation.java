package dev.meridian.sim;

/**
 * A property the simulator checks did not hold: the run has found a bug (or, for {@link
 * Kind#SIMULATOR}, the simulator broke its own model). Thrown out of the event that saw it and ends the
 * run; the seed replays it.
 */
public final class SimViolation extends RuntimeException {

  /** Which family of check failed; the CLI and tests report it. */
  public enum Kind {
    /** Two different values chosen or committed at one slot. */
    AGREEMENT,
    /** A committed entry is no longer held by a majority of disks. */
    DURABILITY,
    /** Two ballots held a leader lease at the same moment of true time. */
    LEASE,
    /** A command applied that was never proposed, applied twice, or applied out of order. */
    APPLY,
    /** A node whose clock left the TrueTime bound kept answering TrueTime instead of fencing itself. */
    FENCE,
    /** After the faults stopped, the cluster did not recover and make progress in time. */
    LIVENESS,
    /** An invariant inside the protocol code itself failed (Invariants.require). */
    PROTOCOL_INVARIANT,
    /** The simulator's own model broke (e.g. a clock outside its TrueTime bound): a simulator bug. */
    SIMULATOR
  }

  private final Kind kind;

  public SimViolation(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public SimViolation(Kind kind, String message, Throwable cause) {
    super(kind + ": " + message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Throws a violation of {@code kind} unless {@code condition} holds. */
  public static void check(boolean condition, Kind kind, String format, Object... args) {
    if (!condition) {
      throw new SimViolation(kind, String.format(format, args));
    }
  }
}
