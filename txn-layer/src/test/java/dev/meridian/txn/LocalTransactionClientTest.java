package dev.meridian.txn;

import dev.meridian.truetime.TrueTime;
import java.util.concurrent.CompletableFuture;

/** The {@link TransactionClientContract} on the node's one local range. */
class LocalTransactionClientTest extends TransactionClientContract {

  private final ManualHarness node = new ManualHarness();

  @Override
  protected TransactionClient client() {
    return node.client;
  }

  @Override
  protected TrueTime trueTime() {
    return node.trueTime;
  }

  @Override
  protected <T> T await(CompletableFuture<T> future) {
    return node.await(future);
  }
}
