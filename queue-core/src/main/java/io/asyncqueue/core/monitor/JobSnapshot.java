package io.asyncqueue.core.monitor;

import java.time.Instant;

import io.asyncqueue.core.JobState;

/**
 * One job as Redis holds it now, for an operator to read.
 *
 * @param id the job id
 * @param state where it is: {@code WAITING} when no sorted set holds it
 * @param stateSince what the state's sorted set scores it by: when a delayed job is due, when a running
 * job's lease ends, when a parked job was parked; {@code null} for waiting jobs
 * @param envelope the envelope JSON (job name, payload, push time, unique id, headers)
 * @param attempts the attempts counted so far
 * @param stalls how often its lease expired
 * @param error the last failure as JSON, or {@code null}
 * @since 0.2.0
 */
public record JobSnapshot(String id, JobState state, Instant stateSince, String envelope, int attempts, int stalls,
		String error) {

}
