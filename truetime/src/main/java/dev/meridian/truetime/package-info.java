/**
 * TrueTime (DESIGN.md §4): {@link dev.meridian.truetime.TrueTime} answers with an interval that
 * contains true time or fails closed with {@link dev.meridian.truetime.ClockUnavailableException};
 * {@link dev.meridian.truetime.LocalTrueTime} builds it from a node's own clocks; {@link
 * dev.meridian.truetime.CommitWait} waits on a scheduler, without blocking, until a timestamp has
 * passed; {@link dev.meridian.truetime.FaultyPhysicalClock} injects offset, drift and steps.
 *
 * <p>Clocks and timers reach this package only through {@link dev.meridian.runtime.PhysicalClock}
 * and {@link dev.meridian.runtime.Scheduler}.
 */
package dev.meridian.truetime;
