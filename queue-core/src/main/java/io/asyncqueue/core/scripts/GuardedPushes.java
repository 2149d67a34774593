package io.asyncqueue.core.scripts;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asyncqueue.core.PushGuard;
import io.asyncqueue.core.PushGuardException;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Runs {@linkplain PushGuard guarded} pushes: one script made of the guard, as a Lua function with its own
 * {@code KEYS} and {@code ARGV} placed before the prelude (so it sees none of the queue's key names), the
 * prelude, {@code push.lua} as a function, and {@code guarded-push.lua}, which calls the guard and then the
 * push. The composed script is cached by the guard's source and run by its SHA like any other.
 *
 * <p>A guarded push goes to Redis alone, not through the push batcher: a batch is one script, and one
 * guard's refusal or error must not take other callers' pushes with it.
 *
 * <p>Engine-internal, like the rest of this package.
 */
public final class GuardedPushes {

	/** Composed scripts kept: guards are constants of the application; a source built per push is not cached. */
	private static final int MAX_CACHED = 256;

	private static final String HEAD = "local function user_guard(KEYS, ARGV) ";

	private static final String TAIL = RedisScript.source("prelude") + "\nlocal function push_one(ARGV)\n"
			+ RedisScript.source("push") + "\nend\n" + RedisScript.source("guarded-push");

	private static final Pattern SCRIPT_LINE = Pattern.compile("user_script:(\\d+):");

	private final RedisConnector redis;

	private final Map<String, RedisScript> scripts = new ConcurrentHashMap<>();

	/** Durable pushes' own connections, per queue with {@code replicas}: a guarded push is confirmed as others are. */
	private final Map<String, ReplicaWait> replicaWaits = new ConcurrentHashMap<>();

	/**
	 * Guarded pushes over one connector.
	 * @param redis the connector
	 */
	public GuardedPushes(RedisConnector redis) {
		this.redis = redis;
	}

	/**
	 * Push one job if its guard accepts.
	 * @param settings the queue
	 * @param queueKeys the queue's keys, in the scripts' order
	 * @param record the push record (id, envelope, delay, at, unique id)
	 * @param guard the guard
	 * @return the result, failed with {@link PushGuardException} when the guard failed
	 */
	public CompletableFuture<PushResult> push(QueueSettings settings, String[] queueKeys, String[] record, PushGuard guard) {
		String[] keys = keys(settings, queueKeys, guard);
		String[] args = new String[1 + record.length + guard.args().size()];
		args[0] = Integer.toString(queueKeys.length);
		System.arraycopy(record, 0, args, 1, record.length);
		for (int i = 0; i < guard.args().size(); i++) {
			args[1 + record.length + i] = guard.args().get(i);
		}
		CompletableFuture<List<Object>> reply;
		try {
			reply = run(settings, script(guard), keys, args);
		}
		catch (RuntimeException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.handle((values, failure) -> {
			if (failure != null) {
				throw translate(settings.name(), guard, RedisFailures.unwrap(failure));
			}
			return result(values);
		});
	}

	/**
	 * On a queue with {@code replicas}, the push goes on the queue's durable-push connection and is confirmed only
	 * once the replicas have it; a guard that refused it wrote nothing, so there is nothing to wait for.
	 */
	private CompletableFuture<List<Object>> run(QueueSettings settings, RedisScript script, String[] keys,
			String[] args) {
		if (settings.replicas() == 0) {
			return script.run(this.redis.commands(), keys, args);
		}
		ReplicaWait wait = this.replicaWaits.computeIfAbsent(settings.name(),
				(queue) -> new ReplicaWait(this.redis, queue, settings.replicas(), settings.replicaTimeout()));
		RedisClusterAsyncCommands<String, String> own = wait.commands();
		return script.<List<Object>>run(own, keys, args)
			.thenCompose((reply) -> (refused(reply)) ? CompletableFuture.completedFuture(reply)
					: wait.confirm(own, CompletableFuture.completedFuture(reply)));
	}

	private static String[] keys(QueueSettings settings, String[] queueKeys, PushGuard guard) {
		String prefix = QueueKeys.guardPrefix(settings.channel());
		String[] keys = new String[queueKeys.length + guard.keys().size()];
		System.arraycopy(queueKeys, 0, keys, 0, queueKeys.length);
		int i = queueKeys.length;
		for (String key : guard.keys()) {
			if (!key.startsWith(prefix) || key.length() == prefix.length()) {
				throw new IllegalArgumentException("Guard key '" + key + "' is not a guard key of queue '"
						+ settings.name() + "': it must start with '" + prefix + "', which puts it in the queue's Redis "
						+ "Cluster slot and apart from the queue's own keys. Build it with QueueClient.guardKey(\""
						+ settings.name() + "\", name)");
			}
			keys[i++] = key;
		}
		return keys;
	}

	private RedisScript script(PushGuard guard) {
		RedisScript script = this.scripts.get(guard.source());
		if (script == null) {
			// the guard's first line shares the script's first line, so Lua's line numbers are the guard's own
			script = RedisScript.of("guarded-push", HEAD + guard.source() + "\nend\n" + TAIL, ScriptOutputType.MULTI);
			if (this.scripts.size() < MAX_CACHED) {
				this.scripts.putIfAbsent(guard.source(), script);
			}
		}
		return script;
	}

	/** A refused or duplicate push wrote no job. */
	private static boolean refused(List<Object> values) {
		return "refused".equals(values.get(0)) || "duplicate".equals(values.get(0));
	}

	private static PushResult result(List<Object> values) {
		String outcome = (String) values.get(0);
		String id = (String) values.get(1);
		Object reply = (values.size() > 2) ? values.get(2) : null;
		return switch (outcome) {
			case "pushed" -> new PushResult(id, true, new PushResult.GuardVerdict(true, reply));
			case "refused" -> new PushResult(null, false, new PushResult.GuardVerdict(false, reply));
			case "replayed" -> new PushResult(id, true, new PushResult.GuardVerdict(true, null));
			case "duplicate" -> new PushResult(id, false);
			default -> throw new IllegalStateException("Unexpected guarded push reply " + values);
		};
	}

	private static RuntimeException translate(String queue, PushGuard guard, Throwable cause) {
		String message = String.valueOf(cause.getMessage());
		boolean guardFailed = message.startsWith("GUARD_FAILED ");
		if (!guardFailed && !message.contains("Error compiling script")) {
			return (cause instanceof RuntimeException runtime) ? runtime : new QueueException(message, cause);
		}
		String error = guardFailed ? message.substring("GUARD_FAILED ".length()) : message;
		long guardLines = guard.source().lines().count();
		Matcher line = SCRIPT_LINE.matcher(error);
		if (line.find() && Long.parseLong(line.group(1)) <= guardLines) {
			error = error.substring(0, line.start()) + "guard line " + line.group(1) + ":" + error.substring(line.end());
		}
		return new PushGuardException(queue, error, cause);
	}

}
