package dev.meridian.truetime;

/**
 * A clock that answers with an interval guaranteed to contain true time (DESIGN.md §4), the basis of
 * leases, timestamps and commit wait.
 *
 * <p>Invariants every implementation keeps on one node: {@code earliest <= true time <= latest} for
 * every interval it returns; neither {@code now().earliestMicros()} nor {@code now().latestMicros()}
 * ever goes backwards, so {@link #after} never turns from true to false and a timestamp taken from
 * {@code latest} is never below one taken earlier. When it cannot keep the first invariant it throws
 * {@link ClockUnavailableException} instead of answering (fail closed).
 */
public interface TrueTime {

  /**
   * The current interval.
   *
   * @throws ClockUnavailableException when this node's clock is not trustworthy (fail closed).
   */
  TTInterval now();

  /**
   * True only if {@code tMicros} has definitely passed: {@code now().earliestMicros() > tMicros}.
   *
   * @throws ClockUnavailableException as {@link #now()}
   */
  default boolean after(long tMicros) {
    return now().earliestMicros() > tMicros;
  }

  /**
   * True only if {@code tMicros} has definitely not arrived: {@code now().latestMicros() < tMicros}.
   *
   * @throws ClockUnavailableException as {@link #now()}
   */
  default boolean before(long tMicros) {
    return now().latestMicros() < tMicros;
  }
}
