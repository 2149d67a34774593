package io.asyncqueue.core.scripts;

import java.util.List;

import io.asyncqueue.core.JobState;

/**
 * The Redis keys of one queue. Engine-internal: {@link QueueScripts} passes them to every script, and
 * tests read Redis through them; applications never need them. Every key is {@code {channel}:<part>}: the braces make the channel a
 * Redis Cluster hash tag, so one queue lives in one slot and every script may touch all its keys.
 *
 * <table>
 * <caption>Key layout</caption>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>waiting</td><td>LIST</td><td>ids ready to run, oldest at the head</td></tr>
 * <tr><td>delayed</td><td>ZSET</td><td>ids scored by due time (ms, Redis clock)</td></tr>
 * <tr><td>reserved</td><td>ZSET</td><td>ids of jobs a worker holds (running, or reserved ahead of its handlers) scored by
 * lease deadline</td></tr>
 * <tr><td>failed</td><td>ZSET</td><td>ids scored by failure time</td></tr>
 * <tr><td>timeout</td><td>ZSET</td><td>ids parked after a lease expired (StalledJobAction.PARK)</td></tr>
 * <tr><td>marker</td><td>ZSET</td><td>one member while jobs may be ready; idle consumers block on it</td></tr>
 * <tr><td>jobs</td><td>HASH</td><td>id → envelope JSON (job name, payload, push time, unique id, headers)</td></tr>
 * <tr><td>attempts</td><td>HASH</td><td>id → {@code attempt:fence}: attempts counted (what max-attempts counts; a reload
 * resets it) and the fetch that reserved the job; the whole value is the lease token</td></tr>
 * <tr><td>stalls</td><td>HASH</td><td>id → leases expired</td></tr>
 * <tr><td>errors</td><td>HASH</td><td>id → last failure JSON</td></tr>
 * <tr><td>unique</td><td>HASH</td><td>unique id → job id, while the job is waiting, delayed or reserved</td></tr>
 * <tr><td>control</td><td>HASH</td><td>switches shared by every instance: {@code paused}, {@code push-closed}</td></tr>
 * <tr><td>fence</td><td>STRING</td><td>counts fetches; never reset, so lease tokens never repeat</td></tr>
 * <tr><td>rate</td><td>ZSET</td><td>the starts of the last rate-limit period, scored by µs (Redis clock): a rate-limited
 * queue's sliding log, at most its {@code max} entries</td></tr>
 * <tr><td>prioritized</td><td>ZSET</td><td>ids of waiting jobs pushed with a priority, highest priority and then earliest
 * queued first (see {@code prelude.lua})</td></tr>
 * <tr><td>groups</td><td>ZSET</td><td>groups that have jobs waiting: the ones that may start a job in round-robin order,
 * then the ones whose slots are full (see {@code prelude.lua})</td></tr>
 * <tr><td>group-running</td><td>HASH</td><td>group → jobs holding one of its slots (running, or a retry waiting out its
 * delay)</td></tr>
 * <tr><td>ahead</td><td>ZSET</td><td>ids reserved ahead of a global concurrency's slot, scored by the lease deadline they
 * were reserved with: they are in {@code reserved} too, and hold no slot until a finishing job of their worker hands
 * them its own (see {@code fetch.lua})</td></tr>
 * <tr><td>group:&lt;key&gt;</td><td>LIST</td><td>ids of one group's waiting jobs, oldest at the head; not among the
 * keys passed to the scripts, which derive it (in the queue's slot)</td></tr>
 * </table>
 *
 * @param waiting the waiting list
 * @param delayed the delayed set
 * @param reserved the reserved set
 * @param failed the failed set
 * @param timeout the timeout set
 * @param marker the wake-up marker
 * @param jobs the envelopes
 * @param attempts the attempt counters
 * @param stalls the stall counters
 * @param errors the last errors
 * @param unique the unique-id index
 * @param control the cluster-wide switches
 * @param fence the token counter
 * @param rate the rate limit's log of recent starts
 * @param prioritized the waiting jobs that have a priority
 * @param groups the groups that have jobs waiting
 * @param groupRunning the slots each group's jobs hold
 * @param ahead the reserved jobs that hold no slot of the global concurrency yet
 * @since 0.1.0
 */
public record QueueKeys(String waiting, String delayed, String reserved, String failed, String timeout,
		String marker, String jobs, String attempts, String stalls, String errors, String unique,
		String control, String fence, String rate, String prioritized, String groups, String groupRunning, String ahead) {

	/**
	 * The keys of a channel.
	 * @param channel the channel (no braces)
	 * @return the keys
	 */
	public static QueueKeys of(String channel) {
		String prefix = "{" + channel + "}:";
		return new QueueKeys(prefix + "waiting", prefix + "delayed", prefix + "reserved", prefix + "failed",
				prefix + "timeout", prefix + "marker", prefix + "jobs", prefix + "attempts", prefix + "stalls",
				prefix + "errors", prefix + "unique", prefix + "control", prefix + "fence", prefix + "rate",
				prefix + "prioritized", prefix + "groups", prefix + "group-running", prefix + "ahead");
	}

	/**
	 * The prefix of every {@linkplain PushGuard guard} key of a channel: the queue's hash tag, so a guard runs
	 * in the queue's Redis Cluster slot, then {@code guard:}, a part no key of the queue ever uses.
	 * @param channel the channel (no braces)
	 * @return {@code {channel}:guard:}
	 */
	public static String guardPrefix(String channel) {
		return "{" + channel + "}:guard:";
	}

	/** Every key, in the order the scripts expect them. */
	public List<String> all() {
		return List.of(this.waiting, this.delayed, this.reserved, this.failed, this.timeout, this.marker, this.jobs,
				this.attempts, this.stalls, this.errors, this.unique, this.control, this.fence, this.rate,
				this.prioritized, this.groups, this.groupRunning, this.ahead);
	}

	/**
	 * The list of one group's waiting jobs.
	 * @param group the group key
	 * @return its key
	 */
	public String group(String group) {
		return this.jobs.substring(0, this.jobs.length() - "jobs".length()) + "group:" + group;
	}

	/**
	 * The key of a state.
	 * @param state the state
	 * @return its key
	 */
	public String of(JobState state) {
		return switch (state) {
			case WAITING -> this.waiting;
			case DELAYED -> this.delayed;
			case RESERVED -> this.reserved;
			case FAILED -> this.failed;
			case TIMEOUT -> this.timeout;
		};
	}

}
