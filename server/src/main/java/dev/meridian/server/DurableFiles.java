package dev.meridian.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files of a data directory that a crash must leave whole: the old content or the new, never a mix. */
public final class DurableFiles {

  private DurableFiles() {}

  /**
   * Replaces {@code dir/name} with {@code text} (UTF-8): written to a temporary file, forced to
   * disk, renamed over the name, and the directory forced, so that the rename is durable too.
   */
  public static void writeAtomically(Path dir, String name, String text) throws IOException {
    Files.createDirectories(dir);
    Path temporary = dir.resolve(name + ".tmp");
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
      // One write(2) may write less than asked (a disk that is nearly full) without failing; the
      // next one then fails. Renaming a short file over the name would be the torn write this
      // class exists to prevent.
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }
}
