package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import java.util.HexFormat;

/** Renders a key as a SQL binary literal of its bytes, {@code x'10018000…'}; the empty key is {@code x''}. */
public final class HexKeyRenderer implements KeyRenderer {

  public static final HexKeyRenderer INSTANCE = new HexKeyRenderer();

  private HexKeyRenderer() {}

  @Override
  public String render(Key key) {
    return "x'" + HexFormat.of().formatHex(key.unsafeBytes()) + "'";
  }
}
