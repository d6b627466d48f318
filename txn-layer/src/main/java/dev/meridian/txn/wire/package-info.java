/**
 * What travels between a gateway and a range's leaseholder (DESIGN §11 "Request/response belongs to
 * the runtime"): the runtime request types ({@link dev.meridian.txn.wire.RangeRequests}), their
 * payloads — the coordinator's own {@code CoordinatorRequest} records, snapshot reads ({@link
 * dev.meridian.txn.wire.SnapshotReads}) and the answers ({@link
 * dev.meridian.txn.wire.ParticipantAnswer}) — and their encodings ({@link
 * dev.meridian.txn.wire.WireCodec}). No I/O: the {@code Rpc} endpoint carries them.
 */
package dev.meridian.txn.wire;
