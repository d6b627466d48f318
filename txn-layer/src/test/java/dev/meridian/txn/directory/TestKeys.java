package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.KeyWriter;
import dev.meridian.storage.codec.SqlType;
import java.util.HexFormat;

/**
 * A readable notation for keys in tests and scripts: {@code ""} the empty key; {@code sys} the
 * system prefix 0x01; {@code tT} table T's prefix; {@code tT/I} its index I; {@code tT/I/v/…} that
 * index followed by BIGINT key columns; {@code x:hex} raw bytes. Every test table's primary key is
 * BIGINT columns, which {@link #SHAPE} checks.
 */
final class TestKeys {

  static final KeyColumn BIGINT = KeyColumn.asc(SqlType.BIGINT);

  /** Whole BIGINT columns after the primary-index prefix, as the catalog would check them. */
  static final PrimaryKeyShape SHAPE = (tableId, key, offset) -> {
    try {
      KeyReader reader = new KeyReader(key, offset);
      int columns = 0;
      while (!reader.atEnd()) {
        reader.read(BIGINT);
        columns++;
      }
      return columns > 0 && columns <= 3;
    } catch (IllegalArgumentException partial) {
      return false;
    }
  };

  /** Renders boundaries in this notation (the stand-in for sql-frontend's renderer). */
  static final KeyRenderer RENDERER = TestKeys::render;

  private TestKeys() {}

  static Key parse(String text) {
    if (text.equals("\"\"")) {
      return Key.EMPTY;
    }
    if (text.equals("sys")) {
      return Key.of(new byte[] {ClusterKeySpace.SYSTEM_BYTE});
    }
    if (text.startsWith("x:")) {
      return Key.of(HexFormat.of().parseHex(text.substring(2)));
    }
    if (text.startsWith("t")) {
      String[] parts = text.substring(1).split("/");
      long table = Long.parseLong(parts[0]);
      if (parts.length == 1) {
        return ClusterKeySpace.tablePrefix(table);
      }
      KeyWriter writer = new KeyWriter();
      writer.appendRaw(ClusterKeySpace.indexPrefix(table, Integer.parseInt(parts[1])).toByteArray());
      for (int i = 2; i < parts.length; i++) {
        writer.append(BIGINT, Long.parseLong(parts[i]));
      }
      return Key.wrap(writer.toByteArray());
    }
    throw new IllegalArgumentException("unknown key notation " + text);
  }

  static String render(Key key) {
    if (key.length() == 0) {
      return "\"\"";
    }
    byte[] raw = key.unsafeBytes();
    if (raw.length > 1 && raw[raw.length - 1] == 0) {
      // A successor (a forward resume key): K followed by 0x00.
      return render(Key.of(java.util.Arrays.copyOf(raw, raw.length - 1))) + "+";
    }
    if (key.equals(parse("sys"))) {
      return "sys";
    }
    ClusterKeySpace.TableKey parsed = ClusterKeySpace.parseTableKey(key);
    if (parsed != null) {
      StringBuilder out = new StringBuilder("t").append(parsed.tableId());
      if (parsed.indexId() != null) {
        out.append('/').append(parsed.indexId());
        try {
          KeyReader reader = new KeyReader(key.unsafeBytes(), parsed.columnsOffset());
          StringBuilder columns = new StringBuilder();
          while (!reader.atEnd()) {
            columns.append('/').append(reader.read(BIGINT));
          }
          out.append(columns);
        } catch (IllegalArgumentException notBigints) {
          return "x:" + HexFormat.of().formatHex(key.unsafeBytes());
        }
      }
      return out.toString();
    }
    return "x:" + HexFormat.of().formatHex(key.unsafeBytes());
  }

  static String render(dev.meridian.storage.KeySpan span) {
    return "[" + render(span.start()) + ", " + (span.end() == null ? "MAX" : render(span.end())) + ")";
  }
}
