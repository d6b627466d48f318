package dev.meridian.shell;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV as RFC 4180 defines it: records end with CRLF (LF or CR alone are accepted too), fields
 * are separated by the delimiter, a field that holds the delimiter, a quote or a line break is
 * enclosed in double quotes, and a quote inside it is doubled ({@code "say ""hi"""}). A quoted field
 * may span lines. The last record may end without a line break. Blank lines are skipped.
 *
 * <p>Two departures, each so that data is never guessed at: a quote inside an unquoted field, and
 * anything but a delimiter or line break after a closing quote, are errors ({@link
 * CsvFormatException}, naming the line and field) rather than read somehow. Each field says
 * whether it was quoted, so that a loader can tell an empty string ({@code ""}) from a missing
 * value (nothing between two delimiters).
 *
 * <p>A record is held in memory whole; one longer than {@link #MAX_RECORD_CHARS} (most likely an
 * unclosed quote that swallowed the rest of the file) fails rather than exhausting the heap.
 */
public final class CsvReader {

  /** Characters of one record at most: far above any sane row, far below a loader's heap. */
  public static final int MAX_RECORD_CHARS = 16 << 20;

  /**
   * One record.
   *
   * @param fields the values, unquoted and unescaped
   * @param quoted per field, whether it was enclosed in quotes
   * @param fieldLines per field, the line it starts on (1-based)
   * @param line the line the record starts on (1-based)
   */
  public record Record(List<String> fields, List<Boolean> quoted, List<Long> fieldLines, long line) {}

  private static final int EOF = -1;

  private final Reader in;
  private final char delimiter;
  private final char[] buffer = new char[64 * 1024];
  private int position;
  private int limit;
  private long line = 1;
  private int recordChars;

  public CsvReader(Reader in, char delimiter) {
    if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
      throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
    }
    this.in = in;
    this.delimiter = delimiter;
  }

  /** The next record, or null at the end of the input. */
  public Record next() throws IOException {
    while (true) {
      int c = peek();
      if (c == EOF) {
        return null;
      }
      if (c == '\r' || c == '\n') {
        // A blank line: no record.
        lineBreak();
        continue;
      }
      return record();
    }
  }

  private Record record() throws IOException {
    long start = line;
    recordChars = 0;
    List<String> fields = new ArrayList<>();
    List<Boolean> quoted = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    while (true) {
      field.setLength(0);
      lines.add(line);
      boolean isQuoted = peek() == '"';
      if (isQuoted) {
        quotedField(field, fields.size() + 1);
      } else {
        unquotedField(field, fields.size() + 1);
      }
      fields.add(field.toString());
      quoted.add(isQuoted);
      int c = peek();
      if (c == delimiter) {
        read();
        continue;
      }
      if (c == '\r' || c == '\n') {
        lineBreak();
      }
      return new Record(fields, quoted, lines, start);
    }
  }

  private void quotedField(StringBuilder field, int column) throws IOException {
    long opened = line;
    read();
    while (true) {
      int c = read();
      if (c == EOF) {
        throw new CsvFormatException(opened, column,
            "the quoted field opened here is not closed before the end of the file");
      }
      if (c == '"') {
        if (peek() == '"') {
          read();
          append(field, '"', opened, column);
          continue;
        }
        int after = peek();
        if (after != EOF && after != delimiter && after != '\r' && after != '\n') {
          throw new CsvFormatException(line, column, "unexpected " + describe(after)
              + " after the closing quote of a field (a quote inside a quoted field is written twice: \"\")");
        }
        return;
      }
      if (c == '\r') {
        if (peek() == '\n') {
          read();
          append(field, '\r', opened, column);
          c = '\n';
        }
        line++;
      } else if (c == '\n') {
        line++;
      }
      append(field, (char) c, opened, column);
    }
  }

  private void unquotedField(StringBuilder field, int column) throws IOException {
    while (true) {
      int c = peek();
      if (c == EOF || c == delimiter || c == '\r' || c == '\n') {
        return;
      }
      if (c == '"') {
        throw new CsvFormatException(line, column,
            "a quote inside an unquoted field; enclose the field in quotes and write the quote twice (\"\")");
      }
      read();
      append(field, (char) c, line, column);
    }
  }

  private void append(StringBuilder field, char c, long fieldLine, int column) {
    if (++recordChars > MAX_RECORD_CHARS) {
      throw new CsvFormatException(fieldLine, column, "the record is longer than " + MAX_RECORD_CHARS
          + " characters; is a quote not closed?");
    }
    field.append(c);
  }

  private void lineBreak() throws IOException {
    if (read() == '\r' && peek() == '\n') {
      read();
    }
    line++;
  }

  private String describe(int c) {
    return c == delimiter ? "delimiter" : "character '" + (char) c + "'";
  }

  private int peek() throws IOException {
    if (position == limit) {
      limit = in.read(buffer, 0, buffer.length);
      position = 0;
      if (limit <= 0) {
        limit = 0;
        return EOF;
      }
    }
    return buffer[position];
  }

  private int read() throws IOException {
    int c = peek();
    if (c != EOF) {
      position++;
    }
    return c;
  }
}
