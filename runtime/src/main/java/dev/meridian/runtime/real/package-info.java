/**
 * Implementations of the runtime on real threads and the system clocks. This is the one package
 * outside {@code server} allowed to create threads and read the clocks (the build rule in
 * {@code build-rules} names it); everything else receives these through the runtime interfaces.
 */
package dev.meridian.runtime.real;
