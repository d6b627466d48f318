package dev.meridian.jepsen.checker;

/**
 * Jepsen's operation types: an {@code INVOKE} starts an operation; {@code OK} means it committed,
 * {@code FAIL} that it certainly did not, {@code INFO} that we cannot know.
 */
public enum OpType {
  INVOKE, OK, FAIL, INFO;

  public static OpType parse(String s) {
    return switch (s) {
      case "invoke" -> INVOKE;
      case "ok" -> OK;
      case "fail" -> FAIL;
      case "info" -> INFO;
      default -> null;
    };
  }

  public String edn() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
