package dev.meridian.runtime;

/**
 * Checks of conditions that must hold whatever the inputs: a failure is a bug in Meridian, never a
 * situation to log and continue from. One condition per check, so the message names exactly what broke.
 */
public final class Invariants {

  private Invariants() {}

  /** Thrown when an invariant does not hold. An {@link Error}: callers must not catch and carry on. */
  public static final class InvariantViolation extends AssertionError {
    public InvariantViolation(String message) {
      super(message);
    }
  }

  public static void require(boolean condition, String whatBroke) {
    if (!condition) {
      throw new InvariantViolation(whatBroke);
    }
  }

  /** As {@link #require(boolean, String)}; the message is formatted only when the check fails. */
  public static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InvariantViolation(String.format(format, args));
    }
  }
}
