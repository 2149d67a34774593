package io.asyncqueue.core.scripts;

import java.util.List;
import java.util.stream.Stream;

/**
 * What a worker decided about one job it holds, as one record of the settle script. Every record names
 * the job and the token it was fetched under: the script applies it only while that token still owns the
 * job's lease.
 *
 * @param action the script's name for the action
 * @param id the job id
 * @param token the lease token the job was fetched under
 * @param delayMillis how long a retried or requeued job waits (0: straight back to waiting)
 * @param error the failure as JSON, or {@code ""}
 * @param uniqueId the job's unique id, released when the job leaves for good, or {@code ""}
 * @param nextId a job the worker reserved ahead of a slot of the queue's global concurrency and starts in this
 * job's slot, or {@code ""}: the slot passes from one to the other in the same call
 * @param nextToken that job's lease token, or {@code ""}
 * @param ahead whether the job was reserved ahead of a slot of the global concurrency: it may still be in the
 * queue's {@code ahead} set (its slot's hand-over not landed yet, or it was never started), where only such a
 * record looks
 * @since 0.2.0
 */
public record SettleRecord(String action, String id, String token, long delayMillis, String error, String uniqueId,
		String nextId, String nextToken, boolean ahead) {

	/**
	 * A record that hands no slot on.
	 * @param action the script's name for the action
	 * @param id the job id
	 * @param token the lease token the job was fetched under
	 * @param delayMillis how long a retried or requeued job waits (0: straight back to waiting)
	 * @param error the failure as JSON, or {@code ""}
	 * @param uniqueId the job's unique id, or {@code ""}
	 */
	public SettleRecord(String action, String id, String token, long delayMillis, String error, String uniqueId) {
		this(action, id, token, delayMillis, error, uniqueId, "", "", false);
	}

	/**
	 * This record, handing the job's slot of the global concurrency to a job reserved ahead of one.
	 * @param id that job's id
	 * @param token its lease token
	 * @return the record
	 */
	public SettleRecord handingSlotTo(String id, String token) {
		return new SettleRecord(this.action, this.id, this.token, this.delayMillis, this.error, this.uniqueId, id,
				token, this.ahead);
	}

	/**
	 * This record, of a job that was reserved ahead of a slot of the global concurrency.
	 * @return the record
	 */
	public SettleRecord reservedAhead() {
		return new SettleRecord(this.action, this.id, this.token, this.delayMillis, this.error, this.uniqueId,
				this.nextId, this.nextToken, true);
	}

	/**
	 * The job is done: forget it (and free its unique id).
	 * @param id the job id
	 * @param token its lease token
	 * @param uniqueId its unique id, or {@code null}
	 * @return the record
	 */
	public static SettleRecord ack(String id, String token, String uniqueId) {
		return (uniqueId != null) ? new SettleRecord("ack-unique", id, token, 0, "", uniqueId)
				: new SettleRecord("ack", id, token, 0, "", "");
	}

	/**
	 * The handler gave the job up: forget it like an ack.
	 * @param id the job id
	 * @param token its lease token
	 * @param uniqueId its unique id, or {@code null}
	 * @return the record
	 */
	public static SettleRecord drop(String id, String token, String uniqueId) {
		return new SettleRecord("drop", id, token, 0, "", orEmpty(uniqueId));
	}

	/**
	 * Run the job again after a delay, counting this attempt.
	 * @param id the job id
	 * @param token its lease token
	 * @param delayMillis the backoff (0: straight back to waiting)
	 * @param error why, as JSON
	 * @return the record
	 */
	public static SettleRecord retry(String id, String token, long delayMillis, String error) {
		return new SettleRecord("retry", id, token, delayMillis, error, "");
	}

	/**
	 * Run the job again after a delay without counting this attempt.
	 * @param id the job id
	 * @param token its lease token
	 * @param delayMillis the delay (0: straight back to waiting)
	 * @return the record
	 */
	public static SettleRecord requeue(String id, String token, long delayMillis) {
		return new SettleRecord("requeue", id, token, delayMillis, "", "");
	}

	/**
	 * Put the job straight back at the head of waiting without counting this attempt (a clean stop).
	 * @param id the job id
	 * @param token its lease token
	 * @return the record
	 */
	public static SettleRecord release(String id, String token) {
		return new SettleRecord("release", id, token, 0, "", "");
	}

	/**
	 * Put the job straight back at the head of waiting without counting this attempt, and start no job of the
	 * queue, in any instance, for a while (the handler hit a downstream limit).
	 * @param id the job id
	 * @param token its lease token
	 * @param backoffMillis how long the queue starts nothing
	 * @return the record
	 */
	public static SettleRecord rateLimited(String id, String token, long backoffMillis) {
		return new SettleRecord("rate-limited", id, token, backoffMillis, "", "");
	}

	/**
	 * Park the job in {@code failed} with its error, freeing its unique id.
	 * @param id the job id
	 * @param token its lease token
	 * @param error why, as JSON
	 * @param uniqueId its unique id, or {@code null}
	 * @return the record
	 */
	public static SettleRecord fail(String id, String token, String error, String uniqueId) {
		return new SettleRecord("fail", id, token, 0, error, orEmpty(uniqueId));
	}

	/**
	 * A record by the action's name, for callers that carry the decision as a word.
	 * @param action {@code ack}, {@code drop}, {@code retry}, {@code requeue}, {@code release},
	 * {@code rate-limited} or {@code fail}
	 * @param id the job id
	 * @param token its lease token
	 * @param delayMillis the delay of a retry or requeue
	 * @param error the error JSON of a retry or fail, or {@code ""}
	 * @param uniqueId the job's unique id, or {@code null}
	 * @return the record
	 */
	public static SettleRecord of(String action, String id, String token, long delayMillis, String error,
			String uniqueId) {
		return switch (action) {
			case "ack" -> ack(id, token, uniqueId);
			case "drop" -> drop(id, token, uniqueId);
			case "retry" -> retry(id, token, delayMillis, error);
			case "requeue" -> requeue(id, token, delayMillis);
			case "release" -> release(id, token);
			case "rate-limited" -> rateLimited(id, token, delayMillis);
			case "fail" -> fail(id, token, error, uniqueId);
			default -> throw new IllegalArgumentException("Unknown settle action '" + action + "'");
		};
	}

	/**
	 * The record's arguments: three for a plain ack (almost every record, so the shortest), six otherwise, and two
	 * more, with {@code >} after the action, when it hands its slot on; {@code <} before that marks a job that was
	 * reserved ahead.
	 */
	String[] arguments() {
		boolean hands = !this.nextId.isEmpty();
		String marked = this.action + (this.ahead ? "<" : "") + (hands ? ">" : "");
		if (this.action.equals("ack")) {
			return hands ? new String[] { marked, this.id, this.token, this.nextId, this.nextToken }
					: new String[] { marked, this.id, this.token };
		}
		if (hands) {
			return new String[] { marked, this.id, this.token, Long.toString(this.delayMillis), this.error,
					this.uniqueId, this.nextId, this.nextToken };
		}
		if (this.ahead) {
			return new String[] { marked, this.id, this.token, Long.toString(this.delayMillis), this.error,
					this.uniqueId };
		}
		return new String[] { this.action, this.id, this.token, Long.toString(this.delayMillis), this.error,
				this.uniqueId };
	}

	static String[] arguments(String[] head, List<SettleRecord> records) {
		return Stream.concat(Stream.of(head), records.stream().flatMap((record) -> Stream.of(record.arguments())))
			.toArray(String[]::new);
	}

	private static String orEmpty(String value) {
		return (value != null) ? value : "";
	}

}
