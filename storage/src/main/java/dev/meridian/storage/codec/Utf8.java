package dev.meridian.storage.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for VARCHAR keys. UTF-8 byte order equals Unicode code point order, which is the
 * order Meridian defines for VARCHAR (binary collation); Java's {@link String#compareTo} compares
 * UTF-16 units instead and puts supplementary characters before U+E000..U+FFFF, so it is not our
 * order.
 *
 * <p>A string with an unpaired surrogate is not text and has no code point order; Java's lenient
 * encoder would turn it into '?', silently merging distinct strings into one key, so it is
 * rejected. Decoding is as strict: overlong forms, encoded surrogates and truncated sequences are
 * refused, so each string has exactly one encoding.
 */
final class Utf8 {

  private Utf8() {}

  /** The UTF-8 bytes of {@code text}; throws IllegalArgumentException on an unpaired surrogate. */
  static byte[] encode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            String.format(
                "the string has an unpaired surrogate U+%04X at index %d; VARCHAR values must be"
                    + " well-formed Unicode text (use VARBINARY for arbitrary data)",
                (int) c, i));
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes {@code bytes}, which started at key offset {@code offset}, naming the offset in the
   * error when they are not well-formed UTF-8.
   */
  static String decode(byte[] bytes, ColumnInput in, int offset) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer input = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(input).toString();
    } catch (CharacterCodingException e) {
      throw in.malformed(
          offset,
          String.format(
              "the string is not well-formed UTF-8 (at byte %d of the unescaped string)",
              input.position()));
    }
  }
}
