/**
 * Value types of the cluster's transaction layer, shared by the range state machine, the leaseholder
 * core, the directory and the coordinator: range identities and descriptors, replica roles and
 * transaction outcomes. No behaviour beyond validation lives here.
 */
package dev.meridian.txn.types;
