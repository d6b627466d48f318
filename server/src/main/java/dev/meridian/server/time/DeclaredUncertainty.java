package dev.meridian.server.time;

import dev.meridian.truetime.ChronyTracking;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Where a time master's declared uncertainty comes from ({@code --time-source}).
 *
 * <p>What is honest where: a master's declaration must bound its wall clock's distance from true
 * time. On a machine synchronised by chronyd the honest figure is chrony's own estimate ({@code
 * chrony}), typically tens of µs to a few ms over NTP and below 100 µs against a local PTP or GPS
 * reference. A stated figure ({@code fixed}) is honest only where something else guarantees it: masters
 * on one host share one clock, so relative to each other they may declare microseconds — but that
 * bounds their agreement, not their distance from UTC, so a cluster on one host is exactly as right as
 * the host clock; across machines a stated figure should be at least what NTP achieves there (1 ms is
 * a fair LAN figure, tens of ms across the internet).
 */
public interface DeclaredUncertainty {

  /** The current declaration in microseconds; throws when the source cannot vouch for the clock. */
  long uncertaintyMicros() throws IOException;

  /** A stated figure ({@code --time-source fixed --clock-uncertainty D}). */
  static DeclaredUncertainty fixed(long micros) {
    return () -> micros;
  }

  /**
   * chrony's estimate from {@code chronyc -c tracking}, asked at most once per {@link
   * Chrony#REFRESH_NANOS} (a master answers many pollers) and never waited on for more than {@link
   * Chrony#COMMAND_TIMEOUT_MILLIS}.
   */
  final class Chrony implements DeclaredUncertainty {
    static final long REFRESH_NANOS = 1_000_000_000L;
    static final long COMMAND_TIMEOUT_MILLIS = 2_000;

    private long cachedAtNanos;
    private long cachedMicros = -1;

    @Override
    public synchronized long uncertaintyMicros() throws IOException {
      long now = System.nanoTime();
      if (cachedMicros >= 0 && now - cachedAtNanos < REFRESH_NANOS) {
        // chrony's figure grows with time since its last update; a second of our cache adds at most
        // the drift bound's 200 µs, which the sawtooth of every poller covers anyway.
        return cachedMicros;
      }
      Process process = new ProcessBuilder("chronyc", "-c", "tracking").redirectErrorStream(true).start();
      try {
        if (!process.waitFor(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IOException("chronyc -c tracking did not answer within " + COMMAND_TIMEOUT_MILLIS + " ms");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while asking chronyc", e);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("chronyc -c tracking failed (" + process.exitValue() + "): " + output.strip());
      }
      try {
        cachedMicros = ChronyTracking.uncertaintyMicros(output.lines().findFirst().orElse(""));
      } catch (ChronyTracking.UnusableException e) {
        throw new IOException(e.getMessage(), e);
      }
      cachedAtNanos = now;
      return cachedMicros;
    }
  }
}
