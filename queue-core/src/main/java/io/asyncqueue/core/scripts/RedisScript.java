package io.asyncqueue.core.scripts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import io.asyncqueue.core.redis.DirectConnection;
import io.asyncqueue.core.redis.RedisFailures;

/**
 * A Lua script run by its SHA1, loaded again on NOSCRIPT (after a Redis restart or SCRIPT FLUSH). Only
 * {@link QueueScripts} runs scripts: it knows each one's keys, arguments and reply.
 */
final class RedisScript {

	private static final String PRELUDE = read("prelude");

	private final String name;

	private final String source;

	private final String sha;

	private final ScriptOutputType output;

	private RedisScript(String name, String source, ScriptOutputType output) {
		this.name = name;
		this.source = source;
		this.sha = sha1(source);
		this.output = output;
	}

	/**
	 * A script of this package's {@code scripts} folder that returns an array, with the shared prelude
	 * prepended.
	 * @param name the file name without {@code .lua}
	 * @return the script
	 */
	static RedisScript named(String name) {
		return named(name, ScriptOutputType.MULTI);
	}

	/**
	 * A script of this package's {@code scripts} folder, with the shared prelude prepended.
	 * @param name the file name without {@code .lua}
	 * @param output the type of its reply
	 * @return the script
	 */
	static RedisScript named(String name, ScriptOutputType output) {
		return new RedisScript(name, PRELUDE + "\n" + read(name), output);
	}

	/**
	 * A script of the given source, run as it is (no prelude prepended), for scripts composed at run time.
	 * @param name the name it is known by in messages
	 * @param source the whole source
	 * @param output the type of its reply
	 * @return the script
	 */
	public static RedisScript of(String name, String source, ScriptOutputType output) {
		return new RedisScript(name, source, output);
	}

	/**
	 * The source of a script of this package's {@code scripts} folder, without the prelude.
	 * @param name the file name without {@code .lua}
	 * @return its source
	 */
	public static String source(String name) {
		return read(name);
	}

	/** The script's name. */
	String name() {
		return this.name;
	}

	/**
	 * Run the script.
	 * @param <T> the reply type
	 * @param commands the connection
	 * @param keys the keys
	 * @param args the arguments
	 * @return the reply
	 */
	@SuppressWarnings("unchecked")
	<T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, String[] keys,
			String... args) {
		return commands.<Object>evalsha(this.sha, this.output, keys, args)
			.toCompletableFuture()
			.exceptionallyCompose((ex) -> {
				if (unwrap(ex) instanceof RedisNoScriptException) {
					return commands.<Object>eval(this.source, this.output, keys, args)
						.toCompletableFuture()
						.exceptionallyCompose((failure) -> CompletableFuture.failedFuture(located(unwrap(failure))));
				}
				return CompletableFuture.failedFuture(located(unwrap(ex)));
			})
			.thenApply((reply) -> (T) reply);
	}

	/**
	 * Run the script on the calling thread through {@code direct}, if it takes the call now. For scripts that may
	 * run twice with the effect of once (a push: its ids make a replay land once): when the direct connection is
	 * lost with the call perhaps written, or the server answers it as a replica, the call is replayed through the
	 * usual connection, and a replay refused unsent is reported as a call that may have run when the first one may
	 * have.
	 * @param <T> the reply type
	 * @param direct the direct connection
	 * @param commands the usual connection as it is when a replay is made (after a failover, the new master's)
	 * @param keys the keys
	 * @param args the arguments
	 * @return the reply, complete unless replayed; {@code null} when the direct connection did not take the call
	 */
	@SuppressWarnings("unchecked")
	<T> CompletableFuture<T> runDirect(DirectConnection direct,
			Supplier<RedisClusterAsyncCommands<String, String>> commands, String[] keys, String... args) {
		CompletableFuture<Object> reply = direct.tryCall(command("EVALSHA", this.sha, keys, args));
		if (reply == null) {
			return null;
		}
		if (reply.isCompletedExceptionally() && failure(reply) instanceof RedisNoScriptException) {
			reply = direct.tryCall(command("EVAL", this.source, keys, args));
			if (reply == null) {
				// NOSCRIPT ran nothing, and the direct connection is busy or gone now
				return run(commands.get(), keys, args);
			}
		}
		if (!reply.isCompletedExceptionally()) {
			return (CompletableFuture<T>) reply;
		}
		Throwable failure = failure(reply);
		if (failure instanceof DirectConnection.Lost lost) {
			CompletableFuture<T> replay = run(commands.get(), keys, args);
			if (!lost.mayHaveRun()) {
				return replay;
			}
			return replay.exceptionallyCompose((replayFailure) -> CompletableFuture.failedFuture(
					RedisFailures.neverSent(replayFailure) ? new RedisConnectionException(lost.getMessage()
							+ "; Redis may have run it, and its replay was refused: "
							+ unwrap(replayFailure).getClass().getSimpleName(), lost) : replayFailure));
		}
		return CompletableFuture.failedFuture(located(failure));
	}

	private static String[] command(String name, String script, String[] keys, String[] args) {
		String[] command = new String[3 + keys.length + args.length];
		command[0] = name;
		command[1] = script;
		command[2] = Integer.toString(keys.length);
		System.arraycopy(keys, 0, command, 3, keys.length);
		System.arraycopy(args, 0, command, 3 + keys.length, args.length);
		return command;
	}

	private static Throwable failure(CompletableFuture<?> failed) {
		try {
			failed.join();
			return null;
		}
		catch (CompletionException ex) {
			return unwrap(ex);
		}
	}

	/**
	 * A command the ACL denies inside a script is reported by Redis 7.0 with the script's line only ("... can't
	 * run this command or subcommand script: ..., on @user_script:130."): the line's code is added, so that the
	 * message names the command to grant.
	 */
	private static final java.util.regex.Pattern SCRIPT_LINE = java.util.regex.Pattern.compile("@user_script: ?(\\d+)");

	private Throwable located(Throwable failure) {
		String message = String.valueOf(failure.getMessage());
		// 7.0: "... on @user_script:130."; 6.2: "...: @user_script:130: @user_script: 130: The user executing ..."
		java.util.regex.Matcher line = SCRIPT_LINE.matcher(message);
		if (!(failure instanceof RedisCommandExecutionException) || !line.find() || !message.contains("user executing")) {
			return failure;
		}
		String digits = line.group(1);
		String[] lines = this.source.split("\n", -1);
		if (digits.isEmpty() || Integer.parseInt(digits) > lines.length) {
			return failure;
		}
		String code = lines[Integer.parseInt(digits) - 1].trim();
		return new RedisCommandExecutionException(
				message + " [script '" + this.name + "', line " + digits + ": " + code + "]", failure);
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private static String read(String name) {
		String path = "/io/asyncqueue/core/scripts/" + name + ".lua";
		try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("Missing script " + path);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha1(String source) {
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
				.digest(source.getBytes(StandardCharsets.UTF_8));
			StringBuilder hex = new StringBuilder(40);
			for (byte b : digest) {
				hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
			}
			return hex.toString();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "RedisScript[" + this.name + "]";
	}

}
