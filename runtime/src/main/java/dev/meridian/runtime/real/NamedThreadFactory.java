package dev.meridian.runtime.real;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named {@code prefix-N}. Components outside this package that need a thread of their
 * own (a storage engine's sync thread) receive a {@link ThreadFactory} rather than creating one.
 */
public final class NamedThreadFactory implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  public NamedThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, prefix + "-" + next.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }
}
