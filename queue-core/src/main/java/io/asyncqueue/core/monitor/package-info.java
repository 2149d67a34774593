/**
 * What a dashboard reads beyond the queues themselves: {@link io.asyncqueue.core.monitor.QueueHistory}, the
 * per-minute counters that the settle script writes with the acknowledgements, and
 * {@link io.asyncqueue.core.monitor.InstanceHeartbeat}, the heartbeat each consuming instance keeps alive.
 */
package io.asyncqueue.core.monitor;
