package dev.meridian.storage.rocks;

import dev.meridian.runtime.real.NamedThreadFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * Makes sync threads that wait for {@link #open} before they start draining the queue: a test queues
 * writes while the sync thread is held, so it knows they land in one group. Shared through the
 * storage test-jar with modules that write through the engine.
 */
public final class GatedThreadFactory implements ThreadFactory {
  private final CountDownLatch gate = new CountDownLatch(1);
  private final ThreadFactory threads = new NamedThreadFactory("rocks-sync-gated");

  @Override
  public Thread newThread(Runnable body) {
    return threads.newThread(
        () -> {
          boolean opened = false;
          while (!opened) {
            try {
              gate.await();
              opened = true;
            } catch (InterruptedException e) {
              // keep waiting: the test decides when the thread runs
            }
          }
          body.run();
        });
  }

  /** Lets the sync thread run. */
  public void open() {
    gate.countDown();
  }
}
