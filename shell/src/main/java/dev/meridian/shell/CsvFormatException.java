package dev.meridian.shell;

/** The input is not CSV at {@link #line}, field {@link #column} (both 1-based). */
public final class CsvFormatException extends RuntimeException {

  private final long line;
  private final int column;

  public CsvFormatException(long line, int column, String problem) {
    super("line " + line + ", column " + column + ": " + problem);
    this.line = line;
    this.column = column;
  }

  public long line() {
    return line;
  }

  public int column() {
    return column;
  }
}
