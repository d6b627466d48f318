package dev.meridian.shell;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What {@code meridian load} shows while it runs, on standard error: on a terminal a bar redrawn in
 * place (rows, rows/s, and how much of the file's bytes are read); otherwise, for logs, a line
 * every {@link #LINE_INTERVAL_NANOS}.
 */
final class LoadProgress {

  static final long BAR_INTERVAL_NANOS = 200_000_000L;
  static final long LINE_INTERVAL_NANOS = 5_000_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintStream err;
  private final boolean terminal;
  private final long totalBytes;
  private final LongSupplier nanos;
  private final long startNanos;
  private long lastShownNanos;
  private boolean barShown;

  LoadProgress(PrintStream err, boolean terminal, long totalBytes, LongSupplier nanos) {
    this.err = err;
    this.terminal = terminal;
    this.totalBytes = totalBytes;
    this.nanos = nanos;
    this.startNanos = nanos.getAsLong();
    this.lastShownNanos = startNanos;
  }

  long elapsedNanos() {
    return nanos.getAsLong() - startNanos;
  }

  /** {@code rows} loaded so far, {@code bytes} of the file read; shown if it is time to. */
  void update(long rows, long bytes) {
    long now = nanos.getAsLong();
    if (now - lastShownNanos < (terminal ? BAR_INTERVAL_NANOS : LINE_INTERVAL_NANOS)) {
      return;
    }
    lastShownNanos = now;
    show(rows, bytes, now);
  }

  /**
   * Shows the final count: the bar's last state, ended so that what follows starts on its own line,
   * or a last progress line (a load shorter than one line interval shows exactly this one).
   */
  void finish(long rows, long bytes) {
    show(rows, bytes, nanos.getAsLong());
    if (terminal) {
      err.println();
    }
  }

  private void show(long rows, long bytes, long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double fraction = totalBytes <= 0 ? 1 : Math.min(1, (double) bytes / totalBytes);
    if (terminal) {
      int filled = (int) Math.round(fraction * BAR_WIDTH);
      err.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  %,d rows  %,.0f rows/s ", "#".repeat(filled),
          "-".repeat(BAR_WIDTH - filled), fraction * 100, rows, rows / seconds);
      barShown = true;
    } else {
      err.printf(Locale.ROOT, "load: %d rows, %.0f%% of the file, %.0f rows/s%n", rows, fraction * 100,
          rows / seconds);
    }
    err.flush();
  }

  /** Whether a bar is on the current line (an error message must then start a new one). */
  boolean barShown() {
    return barShown;
  }
}
