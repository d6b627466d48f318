package dev.meridian.txn.gateway;

import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.TransactionClient;
import dev.meridian.txn.TransactionClientContract;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code TransactionClientContract} on the gateway over {@link ClusterHarness}: keys {@code b}
 * and {@code p} are in ranges r2 and r3, so its multi-key cases commit by 2PC and scan two ranges.
 */
class GatewayTransactionClientTest extends TransactionClientContract {

  private final ClusterHarness cluster = new ClusterHarness();

  @Override
  protected TransactionClient client() {
    return cluster.client;
  }

  @Override
  protected TrueTime trueTime() {
    return cluster.trueTime;
  }

  @Override
  protected <T> T await(CompletableFuture<T> future) {
    return cluster.await(future);
  }
}
