package dev.meridian.storage.codec;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * The SQL types a key column can have, each with the one Java type that carries its values through
 * the codec. SQL NULL is allowed in a column of any type and is carried as Java {@code null}.
 */
public enum SqlType {
  BOOLEAN(Boolean.class),
  /** 32-bit signed integer. */
  INTEGER(Integer.class),
  /** 64-bit signed integer. */
  BIGINT(Long.class),
  /**
   * IEEE 754 binary64; -0.0 equals 0.0 and every NaN equals every other NaN (see {@link KeyCodec}).
   */
  DOUBLE(Double.class),
  /** Arbitrary precision and scale; 1.0 equals 1.00. */
  DECIMAL(BigDecimal.class),
  /** Unicode text, ordered by code point (binary collation). */
  VARCHAR(String.class),
  /** Bytes ordered unsigned lexicographically; carried as the immutable {@link Bytes}. */
  VARBINARY(Bytes.class),
  /** A calendar date over the whole {@link LocalDate} range. */
  DATE(LocalDate.class),
  /**
   * A date and time to the nanosecond without a time zone, over the whole {@link LocalDateTime}
   * range.
   */
  TIMESTAMP(LocalDateTime.class);

  private final Class<?> javaType;

  SqlType(Class<?> javaType) {
    this.javaType = javaType;
  }

  /** The class every non-null value of this type must be an instance of. */
  public Class<?> javaType() {
    return javaType;
  }
}
