package dev.meridian.jepsen.checker;

/** A history file that cannot be read; the message names the line and what is wrong with it. */
public final class HistoryFormatException extends RuntimeException {
  private final int line;

  public HistoryFormatException(int line, String problem) {
    super("line " + line + ": " + problem);
    this.line = line;
  }

  /** One-based line of the input where the problem was found. */
  public int line() {
    return line;
  }
}
