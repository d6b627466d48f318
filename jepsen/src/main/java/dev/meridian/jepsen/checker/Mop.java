package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.List;

/**
 * A micro-operation inside a transaction: {@code [:append k v]}, {@code [:r k [v...]]} (list-append)
 * or {@code [:w k v]}, {@code [:r k v]} (rw-register). A read's value is {@code null} when the
 * operation did not report one (an invocation, or a crashed read).
 *
 * <p>A single-register operation (Jepsen's {@code :read}, {@code :write}, {@code :cas}) is an
 * operation of exactly one micro-op: {@code [:r k v]}, {@code [:w k v]} or {@code [:cas k [old new]]},
 * {@code k} being the independent key or {@code null} for a history of one register.
 */
public record Mop(Kind kind, Object key, Object value) {
  /** What the micro-operation does. */
  public enum Kind {
    READ("r"), APPEND("append"), WRITE("w"), CAS("cas");

    private final String token;

    Kind(String token) {
      this.token = token;
    }

    public String token() {
      return token;
    }

    static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.token.equals(s)) {
          return k;
        }
      }
      return null;
    }
  }

  public boolean isRead() {
    return kind == Kind.READ;
  }

  /** The elements a list-append read observed; empty for {@code nil}. */
  @SuppressWarnings("unchecked")
  public List<Object> readList() {
    return value == null ? List.of() : (List<Object>) value;
  }

  /** As EDN-style data: {@code [:r k v]}. */
  public List<Object> toData() {
    List<Object> l = new ArrayList<>(3);
    l.add(Keyword.of(kind.token));
    l.add(key);
    l.add(value);
    return l;
  }

  @Override
  public String toString() {
    return Edn.print(toData());
  }
}
