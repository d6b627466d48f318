/**
 * TrueTime (DESIGN.md §4): {@link dev.meridian.truetime.TrueTime} answers with an interval that
 * contains true time or fails closed with {@link dev.meridian.truetime.ClockUnavailableException};
 * {@link dev.meridian.truetime.SyncedTrueTime} builds it from time masters' answers intersected by
 * {@link dev.meridian.truetime.Marzullo} (what nodes run); {@link dev.meridian.truetime.LocalTrueTime}
 * from a node's own clocks (tests, and the simulator's local-clock runs); {@link
 * dev.meridian.truetime.CommitWait} waits on a scheduler, without blocking, until a timestamp has
 * passed; {@link dev.meridian.truetime.FaultyPhysicalClock} injects offset, drift and steps; {@link
 * dev.meridian.truetime.ChronyTracking} reads chrony's error bound.
 *
 * <p>Clocks and timers reach this package only through {@link dev.meridian.runtime.PhysicalClock}
 * and {@link dev.meridian.runtime.Scheduler}; the daemon that polls masters lives in {@code server}.
 */
package dev.meridian.truetime;
