package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reload or retry did: how many parked jobs went back to waiting, and which were left parked
 * because another job holds their unique id (reloading them would break the promise that one unique id
 * has one live job; they can be reloaded once that job is done).
 *
 * @param moved how many jobs went back to waiting
 * @param skipped the jobs left in {@code failed} or {@code timeout}, with why
 * @since 0.2.0
 */
public record ReloadResult(long moved, List<Skipped> skipped) {

	/** Nothing moved, nothing skipped. */
	public static final ReloadResult NONE = new ReloadResult(0, List.of());

	public ReloadResult {
		skipped = List.copyOf(skipped);
	}

	/**
	 * This result followed by another's.
	 * @param next the other result
	 * @return both together
	 */
	public ReloadResult and(ReloadResult next) {
		List<Skipped> all = new ArrayList<>(this.skipped);
		all.addAll(next.skipped);
		return new ReloadResult(this.moved + next.moved, all);
	}

	/**
	 * A job left parked because another job holds its unique id.
	 *
	 * @param id the parked job
	 * @param uniqueId its unique id
	 * @param holder the job that holds the unique id now (waiting, delayed or running)
	 */
	public record Skipped(String id, String uniqueId, String holder) {

		/** Why, in a sentence for an operator. */
		public String reason() {
			return "job " + this.id + " not reloaded: unique id '" + this.uniqueId + "' is held by job " + this.holder;
		}

	}

}
