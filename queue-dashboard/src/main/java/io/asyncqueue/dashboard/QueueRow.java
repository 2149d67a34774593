package io.asyncqueue.dashboard;

import io.asyncqueue.core.QueueCounts;

/**
 * One queue as the overview shows it.
 *
 * @param name the queue
 * @param waiting jobs waiting
 * @param delayed jobs delayed
 * @param running jobs reserved by a worker
 * @param failed jobs parked in failed
 * @param timeout jobs parked in timeout
 * @param paused whether consumers of every instance are paused
 * @param pushesClosed whether pushes are refused
 * @since 0.2.0
 */
public record QueueRow(String name, long waiting, long delayed, long running, long failed, long timeout,
		boolean paused, boolean pushesClosed) {

	static QueueRow of(QueueCounts counts, boolean paused, boolean pushesClosed) {
		return new QueueRow(counts.queue(), counts.waiting(), counts.delayed(), counts.reserved(), counts.failed(),
				counts.timeout(), paused, pushesClosed);
	}

}
