/**
 * Deterministic simulation of whole clusters (DESIGN.md §10), in the manner of TigerBeetle's VOPR and
 * FoundationDB's simulator: the real protocol code runs on one virtual-time event queue over a
 * simulated network ({@code net}), simulated disks and simulated clocks ({@code clock}); every random
 * choice, fault parameters included, comes from one seed, so a seed replays a run exactly.
 *
 * <ul>
 *   <li>{@link dev.meridian.sim.SimCommand}: the {@code meridian sim} command line.
 *   <li>{@code paxos}: one Multi-Paxos group under faults, with its checks.
 * </ul>
 *
 * <p>Like protocol code, nothing here reads the system clock, makes threads or unseeded randomness.
 */
package dev.meridian.sim;
