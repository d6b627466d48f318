package dev.meridian.txn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** Completing a caller's future from work done on a loop, failures unwrapped, for every client. */
public final class TxnFutures {

  private TxnFutures() {}

  /** Runs {@code work} and completes {@code result} with its outcome, whether it throws or fails. */
  public static <T> void forward(Supplier<CompletableFuture<T>> work, CompletableFuture<T> result) {
    try {
      work.get().whenComplete((value, failure) -> {
        if (failure != null) {
          result.completeExceptionally(unwrap(failure));
        } else {
          result.complete(value);
        }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** {@code failure} without the {@link CompletionException}s that chaining wrapped around it. */
  public static Throwable unwrap(Throwable failure) {
    while (failure instanceof CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    return failure;
  }
}
