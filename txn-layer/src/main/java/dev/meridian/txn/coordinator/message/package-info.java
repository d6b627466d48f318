/**
 * The messages between a transaction coordinator (or a recovering participant) and range
 * leaseholders: one record per request in {@link dev.meridian.txn.coordinator.message.CoordinatorRequest},
 * one per answer in {@link dev.meridian.txn.coordinator.message.ParticipantReply}. The wire encoding
 * belongs to the runtime's request/response layer (helper "rpc"), not to these records.
 */
package dev.meridian.txn.coordinator.message;
