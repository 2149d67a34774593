/**
 * The parts a {@link io.asyncqueue.core.QueueWorker} is made of, one concern each: {@link Fetcher} (the
 * fetch loop, its slots and prefetch), {@link JobRunner} (decoding, interceptors, the handler, its timeout and
 * what its result means), {@link Settler} (writing outcomes to Redis through outages), {@link LeaseKeeper}
 * (renewing running jobs' leases, putting back jobs that were reserved but never started) and
 * {@link ObserverFanOut} (calling listeners). Engine internals: public only so that the facade in
 * {@code io.asyncqueue.core} can build them; applications use {@code QueueWorker}, and these types may change
 * in any release.
 */
package io.asyncqueue.core.worker;
