/**
 * The only doors to the outside world that protocol code may use (DESIGN.md §1): {@link
 * dev.meridian.runtime.Scheduler}, {@link dev.meridian.runtime.PhysicalClock}, {@link
 * dev.meridian.runtime.MessageSink}, {@link dev.meridian.runtime.RandomSource} and {@link
 * dev.meridian.runtime.Invariants}. The package {@code dev.meridian.runtime.real} holds the
 * implementations on real threads and clocks and is the one package outside {@code server} that the
 * build rule lets touch them.
 */
package dev.meridian.runtime;
