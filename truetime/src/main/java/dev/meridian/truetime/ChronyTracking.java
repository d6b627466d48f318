package dev.meridian.truetime;

import java.util.Locale;

/**
 * Reads chrony's own error estimate from {@code chronyc -c tracking} (one CSV line), as AWS
 * ClockBound does: the local clock is within {@code |system time offset| + root dispersion + root
 * delay / 2} of true time. Root delay is the round trip to the stratum-1 source summed along the path
 * (the source could be anywhere in it, hence half); root dispersion is the accumulated uncertainty of
 * every hop's clock, which chrony grows with time since the last update; the system time offset is how
 * far chrony has still to slew the clock.
 *
 * <p>Fields of the CSV line, in order: reference id, reference name, stratum, reference time, system
 * time (s), last offset (s), RMS offset (s), frequency (ppm), residual frequency (ppm), skew (ppm),
 * root delay (s), root dispersion (s), update interval (s), leap status.
 */
public final class ChronyTracking {

  private static final int FIELDS = 14;

  private ChronyTracking() {}

  /** chrony's answer could not be used as a bound (not synchronised, or not what we expect). */
  public static final class UnusableException extends Exception {
    public UnusableException(String message) {
      super(message);
    }
  }

  /** The error bound in microseconds (rounded up) from one {@code chronyc -c tracking} line. */
  public static long uncertaintyMicros(String csvLine) throws UnusableException {
    String[] fields = csvLine.strip().split(",", -1);
    if (fields.length < FIELDS) {
      throw new UnusableException("chronyc -c tracking gave " + fields.length + " fields, expected "
          + FIELDS + ": '" + csvLine.strip() + "'");
    }
    String leap = fields[13].strip();
    if (leap.toLowerCase(Locale.ROOT).startsWith("not synchronised") || fields[2].strip().equals("0")) {
      throw new UnusableException("chronyd is not synchronised to any source (leap status '" + leap
          + "', stratum " + fields[2].strip() + ")");
    }
    double systemOffsetSeconds = seconds(fields[4], "system time");
    double rootDelaySeconds = seconds(fields[10], "root delay");
    double rootDispersionSeconds = seconds(fields[11], "root dispersion");
    double boundSeconds = Math.abs(systemOffsetSeconds) + rootDispersionSeconds + rootDelaySeconds / 2;
    return (long) Math.ceil(boundSeconds * 1e6);
  }

  private static double seconds(String field, String what) throws UnusableException {
    double value;
    try {
      value = Double.parseDouble(field.strip());
    } catch (NumberFormatException e) {
      throw new UnusableException("chronyc -c tracking: " + what + " is not a number: '" + field + "'");
    }
    if (!Double.isFinite(value) || (value < 0 && !what.equals("system time"))) {
      throw new UnusableException("chronyc -c tracking: " + what + " is " + value + " s");
    }
    return value;
  }
}
