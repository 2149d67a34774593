package io.asyncqueue.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The application's own check that runs in the same Redis script as a push, so that "take a unit and
 * enqueue its order" is one atomic step: either the guard accepts and its writes and the job both land,
 * or nothing is pushed. Immutable; each method returns a copy.
 *
 * <p>The script is the body of a Lua function called with its own {@code KEYS} and {@code ARGV} (the
 * {@linkplain #keys(String...) keys} and {@linkplain #args(String...) arguments} given here, never the
 * queue's). It returns {@code true, reply} to push the job or {@code false, reply} to refuse it; the
 * optional reply (a string, a number, or a table of them, converted as Redis converts any script reply)
 * reaches the caller as {@link PushResult#guardReply()} either way, but for a replay: the same push sent again
 * after a dropped connection finds its job already pushed, the guard does not run again, and the result is
 * accepted with a {@code null} reply (the first run's reply was lost with the connection).
 *
 * <pre>{@code
 * PushGuard takeOne = PushGuard.script("""
 *         local left = tonumber(redis.call('GET', KEYS[1]) or '0')
 *         if left <= 0 then return false, 'sold_out' end
 *         return true, redis.call('DECR', KEYS[1])
 *         """).keys(client.guardKey("orders", "stock:item-1"));
 * PushResult result = client.push("orders", "create-order", order, PushOptions.guardedBy(takeOne));
 * }</pre>
 *
 * <p>Every key must be a {@linkplain QueueClient#guardKey(String, String) guard key of the queue}: it
 * shares the queue's Redis Cluster hash slot, so the script runs on Cluster too, and it can never be one of
 * the queue's own keys. Redis does not roll a script back: a guard that raises an error after writing keeps
 * its writes (the job is not pushed), so check first and write last. The guard runs only when the push
 * would create a job: pushes to a closed queue, and a unique id already held, are refused before it runs.
 *
 * @param source the Lua body
 * @param keys the guard's {@code KEYS}
 * @param args the guard's {@code ARGV}
 * @since 0.1.0
 */
public record PushGuard(String source, List<String> keys, List<String> args) {

	public PushGuard {
		Objects.requireNonNull(source, "source");
		if (source.isBlank()) {
			throw new IllegalArgumentException("A push guard's script must not be blank");
		}
		keys = List.copyOf(keys);
		args = List.copyOf(args);
	}

	/**
	 * A guard with no keys or arguments yet.
	 * @param source the Lua body, which returns {@code true|false [, reply]}
	 * @return the guard
	 */
	public static PushGuard script(String source) {
		return new PushGuard(source, List.of(), List.of());
	}

	/**
	 * A copy with these keys, the guard's {@code KEYS[1..n]}.
	 * @param keys guard keys of the queue
	 * @return the copy
	 */
	public PushGuard keys(String... keys) {
		return new PushGuard(this.source, Arrays.asList(keys), this.args);
	}

	/**
	 * A copy with these arguments, the guard's {@code ARGV[1..n]}.
	 * @param args the arguments
	 * @return the copy
	 */
	public PushGuard args(String... args) {
		return new PushGuard(this.source, this.keys, Arrays.asList(args));
	}

	@Override
	public String toString() {
		return "PushGuard[keys=" + this.keys + ", args=" + this.args + "]";
	}

}
