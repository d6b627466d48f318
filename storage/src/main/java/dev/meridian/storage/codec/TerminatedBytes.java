package dev.meridian.storage.codec;

/**
 * Writes a variable-length byte string so that the result is self-delimiting (no encoding is a
 * proper prefix of another) and unsigned byte order of results equals unsigned lexicographic order
 * of inputs.
 *
 * <pre>
 *   0x00           -&gt; 0x00 0xFF   (escape)
 *   any other byte -&gt; itself
 *   end of string  -&gt; 0x00 0x01   (terminator)
 * </pre>
 *
 * <p>Why the order holds: at the first place two inputs differ, either both have a byte there (a
 * 0x00 became 0x00 0xFF, below every other byte, which is at least 0x01), or one input has ended.
 * Its terminator 0x00 0x01 is below any byte 0x01..0xFF the other continues with, and below the
 * escape 0x00 0xFF of a 0x00 it continues with, so a string sorts before its extensions. The
 * terminator makes the encoding prefix-free, which descending columns need (see {@link KeyCodec}).
 */
final class TerminatedBytes {

  static final int ESCAPE = 0x00;
  static final int ESCAPED_ZERO = 0xFF;
  static final int TERMINATOR = 0x01;

  private TerminatedBytes() {}

  static void write(byte[] bytes, ByteSink out) {
    int runStart = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        // Copy the run of non-zero bytes in one go: most strings have no zero byte at all.
        out.write(bytes, runStart, i);
        out.write(ESCAPE);
        out.write(ESCAPED_ZERO);
        runStart = i + 1;
      }
    }
    out.write(bytes, runStart, bytes.length);
    out.write(ESCAPE);
    out.write(TERMINATOR);
  }

  /** Reads up to and including the terminator and returns the original bytes. */
  static byte[] read(ColumnInput in) {
    ByteSink out = new ByteSink(16);
    while (true) {
      int b = in.readUnsignedByte();
      if (b != ESCAPE) {
        out.write(b);
        continue;
      }
      int offset = in.position();
      int next = in.readUnsignedByte();
      if (next == TERMINATOR) {
        return out.toByteArray();
      }
      if (next != ESCAPED_ZERO) {
        throw in.malformed(
            offset,
            String.format(
                "byte 0x%02X after 0x00; inside a string 0x00 must be followed by 0xFF (an escaped"
                    + " zero) or 0x01 (the terminator)",
                next));
      }
      out.write(0);
    }
  }
}
