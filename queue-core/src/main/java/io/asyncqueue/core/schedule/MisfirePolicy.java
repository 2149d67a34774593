package io.asyncqueue.core.schedule;

/**
 * What a schedule does about ticks no instance claimed in time (every instance was down, the schedule was
 * paused, or pushes to its queue were closed): a tick is missed once it is older than the schedule's misfire
 * threshold when it is claimed. Ticks within the threshold are always pushed, one job each, oldest first.
 *
 * @since 0.2.0
 */
public enum MisfirePolicy {

	/** Push one job for all the missed ticks together, at once, then carry on with the next tick. */
	FIRE_ONCE,

	/** Push nothing for the missed ticks; carry on with the next tick. */
	SKIP

}
