package dev.meridian.jepsen.checker;

/**
 * A history the checker cannot analyse (for instance, the same value appended twice to a key, which
 * makes the version order ambiguous). The check's verdict is then "unknown", with {@code type} as
 * the anomaly type.
 */
public final class CheckException extends RuntimeException {
  private final String type;

  public CheckException(String type, String message) {
    super(message);
    this.type = type;
  }

  public String type() {
    return type;
  }
}
