package dev.meridian.storage.codec;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Encodes SQL values into key bytes whose unsigned lexicographic order is the SQL order of the
 * values ({@link SqlValueOrder}), column by column, and decodes them back: {@code
 * decode(encode(x))} equals {@code x} by SQL equality. A composite key is its columns' encodings
 * concatenated; because every column encoding is prefix-free, comparing two keys compares their
 * first columns, and only on a tie the next ones, which is SQL's lexicographic order of rows.
 *
 * <h2>Column layout</h2>
 *
 * <pre>
 *   NULL      0x00
 *   non-null  0x01 payload
 * </pre>
 *
 * so NULL sorts before every value. A {@link SortOrder#DESCENDING descending} column is the same
 * bytes, marker included, each inverted ({@code ~b}): inversion reverses the order of any two
 * encodings that differ at some byte both have, so a descending column sorts its values in reverse,
 * <b>with NULL last</b> (0xFF). That reversal fails for two encodings one of which is a prefix of
 * the other (the prefix would still sort first), which is why every payload below is prefix-free:
 * fixed width, or ended by a terminator that cannot occur inside it.
 *
 * <h2>Payloads (ascending form)</h2>
 *
 * <pre>
 *   BOOLEAN    1 byte: 0x00 false, 0x01 true
 *   INTEGER    4 bytes: big-endian two's complement with the sign bit flipped (v ^ 0x8000_0000)
 *   BIGINT     8 bytes: the same for 64 bits
 *   DOUBLE     8 bytes: IEEE bits made sortable, see {@link OrderedDoubles}; -0.0 is written
 *              as 0.0, every NaN as one NaN that sorts after +Infinity
 *   DECIMAL    sign byte, then pair exponent and base-100 digits, see {@link OrderedDecimals};
 *              numerically equal values (1.0, 1.00) have one encoding
 *   VARCHAR    the UTF-8 bytes, escaped and terminated as in {@link TerminatedBytes}:
 *              0x00 -&gt; 0x00 0xFF, end -&gt; 0x00 0x01; code point order, see {@link Utf8}
 *   VARBINARY  the raw bytes, escaped and terminated the same way; unsigned byte order
 *   DATE       8 bytes: epoch day (days since 1970-01-01) as a BIGINT; LocalDate.MIN..MAX
 *   TIMESTAMP  8 bytes: epoch second of the LocalDateTime read as UTC, as a BIGINT, then
 *              4 bytes: nano-of-second (0..999_999_999) big-endian; LocalDateTime.MIN..MAX
 * </pre>
 *
 * <p>Decoding accepts exactly the bytes encoding produces (canonical NaN, no -0.0, normalized
 * decimal digits, valid escapes and UTF-8, in-range dates), so distinct keys never decode to equal
 * values. Malformed bytes throw IllegalArgumentException naming the column index and the byte
 * offset; a value whose Java type does not match its column's {@link SqlType#javaType()} throws
 * IllegalArgumentException naming the column.
 *
 * <p>To put a key behind a prefix (table prefix, index id) or follow it by a suffix (an MVCC
 * timestamp), use {@link KeyWriter} and {@link KeyReader}; this class is the shorthand for a whole
 * key.
 */
public final class KeyCodec {

  static final int NULL_MARKER = 0x00;
  static final int VALUE_MARKER = 0x01;

  private KeyCodec() {}

  /** The key of {@code values}, one per column; a null element is SQL NULL. */
  public static byte[] encode(List<KeyColumn> columns, List<?> values) {
    if (columns.size() != values.size()) {
      throw new IllegalArgumentException(
          String.format(
              "a key with %d columns needs %d values, got %d",
              columns.size(), columns.size(), values.size()));
    }
    KeyWriter writer = new KeyWriter();
    for (int i = 0; i < columns.size(); i++) {
      writer.append(columns.get(i), values.get(i));
    }
    return writer.toByteArray();
  }

  /** The values of a key that fills {@code bytes} entirely; nulls stand for SQL NULL. */
  public static List<Object> decode(List<KeyColumn> columns, byte[] bytes) {
    return decode(columns, bytes, 0);
  }

  /**
   * The values of a key that starts at {@code offset} and runs to the end of {@code bytes}, as a
   * key behind a prefix does. Bytes left over after the last column are malformed.
   */
  public static List<Object> decode(List<KeyColumn> columns, byte[] bytes, int offset) {
    KeyReader reader = new KeyReader(bytes, offset);
    List<Object> values = new ArrayList<>(columns.size());
    for (KeyColumn column : columns) {
      values.add(reader.read(column));
    }
    if (!reader.atEnd()) {
      throw new IllegalArgumentException(
          String.format(
              "Malformed key: %d bytes left at offset %d after the last of %d columns",
              bytes.length - reader.position(), reader.position(), columns.size()));
    }
    return Collections.unmodifiableList(values);
  }

  /**
   * Appends one column. Throws IllegalArgumentException with the problem alone; the caller adds
   * which column it was.
   */
  static void writeColumn(ByteSink out, KeyColumn column, Object value) {
    int start = out.size();
    if (value == null) {
      out.write(NULL_MARKER);
    } else {
      SqlType type = column.type();
      if (!type.javaType().isInstance(value)) {
        throw new IllegalArgumentException(
            String.format(
                "a %s value must be a %s, got a %s",
                type, type.javaType().getName(), value.getClass().getName()));
      }
      out.write(VALUE_MARKER);
      writePayload(out, type, value);
    }
    if (column.order() == SortOrder.DESCENDING) {
      out.invertFrom(start);
    }
  }

  private static void writePayload(ByteSink out, SqlType type, Object value) {
    switch (type) {
      case BOOLEAN -> out.write((Boolean) value ? 1 : 0);
      case INTEGER -> out.writeInt((Integer) value ^ Integer.MIN_VALUE);
      case BIGINT -> out.writeLong((Long) value ^ Long.MIN_VALUE);
      case DOUBLE -> out.writeLong(OrderedDoubles.toSortable((Double) value));
      case DECIMAL -> OrderedDecimals.write((BigDecimal) value, out);
      case VARCHAR -> TerminatedBytes.write(Utf8.encode((String) value), out);
      case VARBINARY -> TerminatedBytes.write(((Bytes) value).unsafeArray(), out);
      case DATE -> out.writeLong(((LocalDate) value).toEpochDay() ^ Long.MIN_VALUE);
      case TIMESTAMP -> {
        LocalDateTime timestamp = (LocalDateTime) value;
        out.writeLong(timestamp.toEpochSecond(ZoneOffset.UTC) ^ Long.MIN_VALUE);
        out.writeInt(timestamp.getNano());
      }
    }
  }

  static Object readColumn(ColumnInput in) {
    int markerOffset = in.position();
    int marker = in.readUnsignedByte();
    if (marker == NULL_MARKER) {
      return null;
    }
    if (marker != VALUE_MARKER) {
      throw in.malformed(
          markerOffset,
          String.format(
              "marker byte 0x%02X (ascending form); expected 0x00 (NULL) or 0x01 (a value)",
              marker));
    }
    return readPayload(in, in.column().type());
  }

  private static Object readPayload(ColumnInput in, SqlType type) {
    int offset = in.position();
    return switch (type) {
      case BOOLEAN -> {
        int b = in.readUnsignedByte();
        if (b > 1) {
          throw in.malformed(
              offset, String.format("BOOLEAN byte 0x%02X; expected 0x00 or 0x01", b));
        }
        yield b == 1;
      }
      case INTEGER -> in.readInt() ^ Integer.MIN_VALUE;
      case BIGINT -> in.readLong() ^ Long.MIN_VALUE;
      case DOUBLE -> {
        long sortable = in.readLong();
        if (!OrderedDoubles.isCanonical(sortable)) {
          throw in.malformed(
              offset,
              String.format(
                  "DOUBLE bits 0x%016X are not canonical (-0.0 or a non-canonical NaN)",
                  Double.doubleToRawLongBits(OrderedDoubles.fromSortable(sortable))));
        }
        yield OrderedDoubles.fromSortable(sortable);
      }
      case DECIMAL -> OrderedDecimals.read(in);
      case VARCHAR -> Utf8.decode(TerminatedBytes.read(in), in, offset);
      case VARBINARY -> Bytes.wrap(TerminatedBytes.read(in));
      case DATE -> {
        long epochDay = in.readLong() ^ Long.MIN_VALUE;
        if (epochDay < LocalDate.MIN.toEpochDay() || epochDay > LocalDate.MAX.toEpochDay()) {
          throw in.malformed(
              offset, String.format("DATE epoch day %d is outside LocalDate's range", epochDay));
        }
        yield LocalDate.ofEpochDay(epochDay);
      }
      case TIMESTAMP -> {
        long epochSecond = in.readLong() ^ Long.MIN_VALUE;
        int nanoOffset = in.position();
        int nano = in.readInt();
        if (nano < 0 || nano > 999_999_999) {
          throw in.malformed(
              nanoOffset,
              String.format("TIMESTAMP nano-of-second %d is outside 0..999999999", nano));
        }
        try {
          yield LocalDateTime.ofEpochSecond(epochSecond, nano, ZoneOffset.UTC);
        } catch (DateTimeException e) {
          throw in.malformed(
              offset,
              String.format(
                  "TIMESTAMP epoch second %d is outside LocalDateTime's range", epochSecond));
        }
      }
    };
  }
}
