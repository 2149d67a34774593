package io.asyncqueue.core;

import java.util.List;
import java.util.TreeSet;

/**
 * The Redis ACL rules a queue's user needs, derived from what the engine sends: the commands its Lua scripts run
 * (Redis checks each of them against the user calling the script), the few it sends itself, and the connection
 * commands. Keys are the queue's own (<code>{channel}:*</code>); no channel (pub/sub) is used. Tests keep this list
 * equal to the commands the scripts contain and to what a full push, consume and operate cycle sends, and the
 * README's {@code ACL SETUSER} line equal to {@link #rules(String)}.
 *
 * <p>A guarded push also needs the commands its guard script runs, on the guard's keys (inside the queue's
 * pattern).
 *
 * @since 0.2.0
 */
public final class QueueAcl {

	/**
	 * Commands the scripts run: a push, a fetch, a settle, a lease renewal and every operation. Kept equal to
	 * the scripts by a test.
	 */
	public static final List<String> SCRIPT_COMMANDS = List.of("exists", "expire", "hdel", "hexists", "hget", "hincrby", "hlen", "hmget",
			"hset", "hsetnx", "incr", "lindex", "llen", "lpop", "lpush", "lrem", "rpush", "time", "zadd", "zcard", "zcount",
			"zmscore", "zpopmin", "zrange", "zrangebyscore", "zrem", "zremrangebyscore", "zrevrange", "zscore");

	/**
	 * Commands sent outside the scripts: the scripts themselves ({@code EVAL} when Redis lost its script cache),
	 * the consumers' blocking wait, the wake-up signal and the pause check. {@code WAIT} (durable pushes) is a
	 * connection command.
	 */
	public static final List<String> DIRECT_COMMANDS = List.of("evalsha", "eval", "bzpopmin", "zadd", "hexists");

	/**
	 * Commands a consuming instance's heartbeat sends ({@code monitor.InstanceHeartbeat}, which the dashboard's
	 * instances page reads): its key is written with a time to live and deleted at a clean stop, the index of live
	 * instances kept with {@code ZADD}, {@code ZREM} and {@code ZREMRANGEBYSCORE}. The keys are
	 * <code>{async-queue:instances}</code> and <code>{async-queue:instances}:&lt;id&gt;</code>, inside the default
	 * key pattern; a user with another pattern adds <code>~{async-queue:instances}*</code>.
	 */
	public static final List<String> HEARTBEAT_COMMANDS = List.of("set", "del", "zadd", "zrem", "zremrangebyscore");

	/**
	 * Commands recurring jobs send besides their tick script ({@code schedule.QueueScheduler},
	 * {@code ScheduleOperations}): the queue's index of schedules and each schedule's state hash, in the queue's
	 * keys.
	 */
	public static final List<String> SCHEDULE_COMMANDS = List.of("sadd", "smembers", "sismember", "hgetall", "hset",
			"hdel", "hsetnx");

	/**
	 * Commands the dashboard's reads send ({@code monitor.QueueHistory}, {@code JobInspector}, {@code Instances}):
	 * the history hashes, a job's fields and the instances' heartbeats.
	 */
	public static final List<String> MONITOR_COMMANDS = List.of("time", "hgetall", "hmget", "hget", "zscore",
			"zrangebyscore", "mget");

	/**
	 * Commands the starter's transactional outbox sends: the relay's lease (a script of {@code GET},
	 * {@code PEXPIRE}, {@code SET} and {@code DEL}) and its marks of pushed rows ({@code SET}, {@code MGET},
	 * {@code DEL}), under <code>{async-queue:outbox}</code>, inside the default key pattern; a user with another
	 * pattern adds the outbox's {@code key-prefix}.
	 */
	public static final List<String> OUTBOX_COMMANDS = List.of("get", "pexpire", "set", "del", "mget");

	/**
	 * What a Redis Cluster user needs besides: the cluster client's topology refresh asks every node, replicas
	 * included, for {@code CLUSTER NODES} and {@code INFO}, without which it cannot open a connection, and it asks
	 * for {@code CLUSTER MYID} (Lettuce 7, seen in the nodes' {@code ACL LOG}). Only these subcommands of
	 * {@code CLUSTER} are granted; {@code INFO} shows server statistics, no data. Kept true by a test on a real
	 * cluster.
	 */
	public static final List<String> CLUSTER_COMMANDS = List.of("cluster|myid", "cluster|nodes", "info");

	private QueueAcl() {
	}

	/**
	 * Every command a queue needs beyond the connection commands, sorted: its scripts, its consumers, heartbeats,
	 * recurring jobs, the dashboard's reads and the transactional outbox.
	 * @return the commands, lower case
	 */
	public static List<String> commands() {
		TreeSet<String> all = new TreeSet<>(SCRIPT_COMMANDS);
		all.addAll(DIRECT_COMMANDS);
		all.addAll(HEARTBEAT_COMMANDS);
		all.addAll(SCHEDULE_COMMANDS);
		all.addAll(MONITOR_COMMANDS);
		all.addAll(OUTBOX_COMMANDS);
		return List.copyOf(all);
	}

	/**
	 * The ACL rules for a user of queues whose keys match {@code keyPattern}, to follow <code>ACL SETUSER &lt;name&gt;
	 * on &gt;&lt;password&gt;</code>:
	 * <code>resetkeys ~{async-queue:* resetchannels -@all +@connection +wait -@dangerous +client|setname +bzpopmin ...</code>.
	 * Connection commands ({@code HELLO}, {@code AUTH}, {@code PING}, {@code SELECT}, {@code CLIENT SETNAME},
	 * {@code WAIT}) are allowed, the dangerous ones among them ({@code CLIENT KILL}, {@code CLIENT LIST}) not.
	 * {@code CLIENT SETNAME} is named on its own because Redis 6.2 counts all of {@code CLIENT} as dangerous: without
	 * it a connection with a client name ({@code spring.data.redis.client-name}) fails its handshake there.
	 * @param keyPattern the key pattern, <code>{async-queue:*</code> for the default channels
	 * @return the rules, space-separated
	 */
	public static String rules(String keyPattern) {
		return rules(keyPattern, false);
	}

	/**
	 * The ACL rules of {@link #rules(String)}, and on a Redis Cluster also the {@link #CLUSTER_COMMANDS}:
	 * <code>... +zscore +cluster|myid +cluster|nodes +info</code>. ACL users are per node: set them on every node, replicas
	 * included.
	 * @param keyPattern the key pattern, <code>{async-queue:*</code> for the default channels
	 * @param cluster whether the queues run on a Redis Cluster
	 * @return the rules, space-separated
	 * @since 0.2.0
	 */
	public static String rules(String keyPattern, boolean cluster) {
		StringBuilder rules = new StringBuilder("resetkeys ~").append(keyPattern)
			.append(" resetchannels -@all +@connection +wait -@dangerous +client|setname");
		for (String command : commands()) {
			rules.append(" +").append(command);
		}
		if (cluster) {
			for (String command : CLUSTER_COMMANDS) {
				rules.append(" +").append(command);
			}
		}
		return rules.toString();
	}

}
