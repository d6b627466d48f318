/**
 * The range directory (DESIGN §7, §11): where every key lives and how a node finds out.
 *
 * <p>Start reading at {@link dev.meridian.txn.directory.ClusterKeySpace} (the top of the key space
 * and the bootstrap ranges), then {@link dev.meridian.txn.directory.MetaLayout} (the meta range's
 * entries and the exact lookup comparison) and {@link dev.meridian.txn.directory.DescriptorCodec}
 * (the descriptor bytes). {@link dev.meridian.txn.directory.SplitPlanner} says which keys may split a
 * range and what a split writes. {@link dev.meridian.txn.directory.RangeCache} is a node's cache of
 * descriptors, fed by the I/O-free {@link dev.meridian.txn.directory.MetaLookups} core and corrected
 * by {@link dev.meridian.txn.directory.RoutingError}s; {@link
 * dev.meridian.txn.directory.MultiRangeScan} plans and merges scans over several ranges; {@link
 * dev.meridian.txn.directory.ShowRanges} is SHOW RANGES without the SQL.
 *
 * <p>Glossary: a <em>descriptor</em> is {@code (rangeId, [start, end), replicas, generation)}; a
 * range's <em>entry</em> is its descriptor filed in the meta range under its end key; a
 * <em>boundary</em> is a key that starts a range; the <em>generation</em> grows with every change of
 * a range's span or replicas, and along the history of every key.
 *
 * <p>Nothing here does I/O: the drivers (coordinator, server, simulator) send the requests these
 * cores emit and feed back the answers.
 */
package dev.meridian.txn.directory;
