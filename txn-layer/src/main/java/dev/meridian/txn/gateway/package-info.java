/**
 * The gateway side of the cluster (DESIGN §6, §7, §11): the node that received the SQL coordinates
 * its transactions across ranges. Start with {@link dev.meridian.txn.gateway.GatewayTxnClient} (the
 * {@code TransactionClient} sql-frontend runs on), then {@link dev.meridian.txn.gateway.Gateway}
 * (routing: the descriptor cache, meta lookups, redirects, multi-range scans) and {@link
 * dev.meridian.txn.gateway.CommitDriver} (which drives a {@code coordinator.TxnCoordinator}). Every
 * byte leaves through a {@link dev.meridian.txn.gateway.RangeChannel}: the wire layer implements it
 * over the runtime's rpc, tests over in-process leaseholder cores.
 *
 * <p>Glossary: <em>gateway</em> — this node, as the coordinator of the transactions it began;
 * <em>route</em> — a range descriptor and the replica a request goes to; <em>routing answer</em> —
 * not leaseholder, range not found, stale generation: nothing was done, refresh and try again;
 * <em>fast path</em> — a commit whose footprint lies in one range (one request, no 2PC).
 *
 * <p>Nothing here reads a clock or starts a thread: time is the {@code TrueTime} and {@code
 * Scheduler} passed in, and all state is confined to the gateway's loop.
 */
package dev.meridian.txn.gateway;
