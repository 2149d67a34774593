package io.asyncqueue.cli;

import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SslOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.ReloadResult;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.core.scripts.QueueKeys;

/**
 * Operate queues from a shell, without an application running: Hyperf's {@code queue:info},
 * {@code queue:reload} and {@code queue:flush}, plus failed-job listing, retry, delete, pause and the
 * producer gate.
 *
 * <pre>
 * java -jar queue-cli-all.jar --redis redis://localhost:6379 info
 * java -jar queue-cli-all.jar failed orders
 * java -jar queue-cli-all.jar reload orders --from failed
 * java -jar queue-cli-all.jar flush orders failed --yes
 * </pre>
 *
 * @since 0.1.0
 */
@Command(name = "async-queue", mixinStandardHelpOptions = true, version = "async-queue CLI 0.1.0",
		description = "Inspect and operate async-queue queues in Redis.",
		subcommands = { QueueCli.Info.class, QueueCli.Failed.class, QueueCli.Reload.class, QueueCli.Retry.class,
				QueueCli.Delete.class, QueueCli.Flush.class, QueueCli.Pause.class, QueueCli.Resume.class,
				QueueCli.ClosePushes.class, QueueCli.OpenPushes.class, QueueCli.Limits.class,
				QueueCli.Schedules.class, QueueCli.PauseSchedule.class, QueueCli.ResumeSchedule.class,
				QueueCli.TriggerSchedule.class })
public final class QueueCli {

	@Option(names = "--redis", defaultValue = "${env:ASYNCQUEUE_REDIS_URL:-redis://127.0.0.1:6379}",
			description = "Redis URI (redis://, rediss://, redis-sentinel://). Default: $ASYNCQUEUE_REDIS_URL or ${DEFAULT-VALUE}")
	String redis;

	@Option(names = "--tls-ca-cert", paramLabel = "FILE",
			description = "PEM file of the CA that issued the server's certificate, for rediss:// (default: the JDK's trusted CAs)")
	File tlsCaCert;

	@Option(names = "--tls-cert", paramLabel = "FILE",
			description = "PEM file of a client certificate, for a server that requires one (tls-auth-clients yes); with --tls-key")
	File tlsCert;

	@Option(names = "--tls-key", paramLabel = "FILE", description = "PEM file of the --tls-cert's private key (unencrypted PKCS#8)")
	File tlsKey;

	@Option(names = "--channel-prefix", defaultValue = QueueSettings.DEFAULT_CHANNEL_PREFIX,
			description = "Prefix of default channels (a queue's channel is <prefix><name>). Default: ${DEFAULT-VALUE}")
	String channelPrefix;

	@Option(names = "--channel", description = "The channel of the queue, when it is not <prefix><name>")
	String channel;

	@Option(names = "--shards", defaultValue = "1",
			description = "The queue's shards (async-queue.queues.<name>.shards), so that commands act on all of them. Default: ${DEFAULT-VALUE}")
	int shards;

	@Spec
	CommandLine.Model.CommandSpec spec;

	/**
	 * Run the command line and exit with its status.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/**
	 * Run the command line.
	 * @param out where results go
	 * @param err where errors go
	 * @param args the arguments
	 * @return the exit status: 0 on success
	 */
	public static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new QueueCli());
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setExecutionExceptionHandler((ex, cl, parsed) -> {
			cl.getErr().println("error: " + describe(ex));
			return 1;
		});
		return commandLine.execute(args);
	}

	/**
	 * One line that leads with what went wrong: a refusal no retry fixes (ACL, password, certificate) as such,
	 * else the message with its root cause, which Lettuce leaves causes deep ("Unable to connect to ...").
	 */
	static String describe(Exception failure) {
		String permanent = RedisFailures.permanentProblem(failure);
		if (permanent != null) {
			return permanent;
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == failure) ? String.valueOf(failure.getMessage()) : failure.getMessage() + ": " + root.getMessage();
	}

	<T> T withOperations(String queue, OperationsCall<T> call) throws Exception {
		QueueSettings settings = settings(queue);
		try (RedisConnector connector = RedisConnector.create(this.redis, tls())) {
			QueueOperations operations = new QueueOperations(connector, new JobSerializer(), Queues.of(settings));
			return call.apply(operations, connector);
		}
	}

	/** The TLS options given, or {@code null} for Lettuce's defaults. */
	SslOptions tls() {
		if ((this.tlsCert == null) != (this.tlsKey == null)) {
			throw new ParameterException(this.spec.commandLine(), "--tls-cert and --tls-key go together: give both or neither");
		}
		if (this.tlsCaCert == null && this.tlsCert == null) {
			return null;
		}
		SslOptions.Builder ssl = SslOptions.builder();
		if (this.tlsCaCert != null) {
			ssl.trustManager(this.tlsCaCert);
		}
		if (this.tlsCert != null) {
			ssl.keyManager(this.tlsCert, this.tlsKey, null);
		}
		return ssl.build();
	}

	QueueSettings settings(String queue) {
		String channel = (this.channel != null) ? this.channel : this.channelPrefix + queue;
		return QueueSettings.builder(queue).channel(channel).shards(this.shards).build();
	}

	@FunctionalInterface
	interface OperationsCall<T> {

		T apply(QueueOperations operations, RedisConnector connector) throws Exception;

	}

	abstract static class QueueCommand implements Callable<Integer> {

		@ParentCommand
		QueueCli cli;

		@Spec
		CommandLine.Model.CommandSpec spec;

		PrintWriter out() {
			return this.spec.commandLine().getOut();
		}

	}

	@Command(name = "info", description = "Jobs per state for the given queues, or for every queue found in Redis.")
	static final class Info extends QueueCommand {

		@Parameters(arity = "0..*", paramLabel = "QUEUE")
		List<String> queues = new ArrayList<>();

		@Override
		public Integer call() throws Exception {
			List<String> names = this.queues.isEmpty() ? discover() : this.queues;
			if (names.isEmpty()) {
				out().println("No queues found under '" + this.cli.channelPrefix + "' in " + this.cli.redis);
				return 0;
			}
			out().printf("%-24s %9s %9s %9s %9s %9s  %s%n", "QUEUE", "WAITING", "DELAYED", "RESERVED", "FAILED",
					"TIMEOUT", "STATUS");
			for (String name : names) {
				this.cli.withOperations(name, (operations, connector) -> {
					QueueCounts counts = operations.counts(name);
					String status = (operations.isPaused(name) ? "paused" : "consuming")
							+ (operations.arePushesClosed(name) ? ", pushes closed" : "");
					out().printf("%-24s %9d %9d %9d %9d %9d  %s%n", name, counts.waiting(), counts.delayed(),
							counts.reserved(), counts.failed(), counts.timeout(), status);
					return null;
				});
			}
			return 0;
		}

		private List<String> discover() throws Exception {
			String prefix = this.cli.channelPrefix;
			// a queue is a prefix with one of a queue's own keys: the instances' heartbeats and the outbox relay
			// keep keys under the same prefix ({async-queue:instances}, {async-queue:outbox}) and are no queues
			Set<String> queueParts = new HashSet<>();
			for (String key : QueueKeys.of("").all()) {
				queueParts.add(key.substring(key.indexOf(':') + 1));
			}
			TreeSet<String> names = new TreeSet<>();
			try (RedisConnector connector = RedisConnector.create(this.cli.redis, this.cli.tls())) {
				ScanArgs match = ScanArgs.Builder.matches("{" + escape(prefix) + "*}:*").limit(1000);
				ScanCursor cursor = ScanCursor.INITIAL;
				do {
					KeyScanCursor<String> page = connector.commands().scan(cursor, match).get();
					for (String key : page.getKeys()) {
						int close = key.indexOf("}:");
						// a shard other than 0 ({prefix<name>~k}) is part of its queue: --shards reaches it
						if (key.startsWith("{" + prefix) && close > prefix.length() + 1 && key.lastIndexOf('~', close) < 0
								&& queueParts.contains(key.substring(close + 2))) {
							names.add(key.substring(prefix.length() + 1, close));
						}
					}
					cursor = page;
				}
				while (!cursor.isFinished());
			}
			return new ArrayList<>(names);
		}

		private static String escape(String pattern) {
			return pattern.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
		}

	}

	@Command(name = "failed", description = "The newest failed (or timed-out) jobs with their reasons.")
	static final class Failed extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Option(names = "--state", defaultValue = "failed", description = "failed or timeout. Default: ${DEFAULT-VALUE}")
		String state;

		@Option(names = "--offset", defaultValue = "0")
		int offset;

		@Option(names = "--limit", defaultValue = "20")
		int limit;

		@Override
		public Integer call() throws Exception {
			List<FailedJob> jobs = this.cli.withOperations(this.queue,
					(operations, connector) -> operations.parkedJobs(this.queue, JobState.of(this.state), this.offset,
							this.limit));
			if (jobs.isEmpty()) {
				out().println("No " + this.state + " jobs in queue '" + this.queue + "'");
			}
			for (FailedJob job : jobs) {
				out().printf("%s  %s  %s  attempts=%d  %s%n", job.id(), job.failedAt(), job.jobName(), job.attempts(),
						job.reason());
			}
			return 0;
		}

	}

	@Command(name = "reload", description = "Move failed (or timed-out) jobs back to waiting with fresh attempts.")
	static final class Reload extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Option(names = "--from", defaultValue = "failed", description = "failed or timeout. Default: ${DEFAULT-VALUE}")
		String from;

		@Option(names = "--id", description = "Only this job")
		String id;

		@Override
		public Integer call() throws Exception {
			JobState source = JobState.of(this.from);
			ReloadResult result = this.cli.withOperations(this.queue, (operations, connector) -> (this.id != null)
					? operations.reload(this.queue, source, this.id) : operations.reloadAll(this.queue, source));
			out().println("Reloaded " + result.moved() + " job(s) from " + source.key() + " to waiting in queue '"
					+ this.queue + "'");
			result.skipped().forEach((skipped) -> out().println(skipped.reason()));
			return (this.id != null && result.moved() == 0) ? 1 : 0;
		}

	}

	@Command(name = "retry", description = "Run one failed or timed-out job again now.")
	static final class Retry extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Parameters(index = "1", paramLabel = "ID")
		String id;

		@Override
		public Integer call() throws Exception {
			ReloadResult result = this.cli.withOperations(this.queue,
					(operations, connector) -> operations.retry(this.queue, this.id));
			boolean moved = result.moved() > 0;
			out().println(moved ? "Job " + this.id + " is waiting again"
					: result.skipped().isEmpty() ? "No failed or timed-out job " + this.id
							: result.skipped().get(0).reason());
			return moved ? 0 : 1;
		}

	}

	@Command(name = "delete", description = "Delete one job, whatever its state.")
	static final class Delete extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Parameters(index = "1", paramLabel = "ID")
		String id;

		@Override
		public Integer call() throws Exception {
			boolean deleted = this.cli.withOperations(this.queue, (operations, connector) -> operations.delete(this.queue, this.id));
			out().println(deleted ? "Deleted job " + this.id : "No job " + this.id);
			return deleted ? 0 : 1;
		}

	}

	@Command(name = "flush", description = "Delete every job of one state (waiting, delayed, reserved, failed, timeout).")
	static final class Flush extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Parameters(index = "1", paramLabel = "STATE")
		String state;

		@Option(names = "--yes", description = "Confirm: the jobs are deleted for good")
		boolean yes;

		@Override
		public Integer call() throws Exception {
			JobState target = JobState.of(this.state);
			if (!this.yes) {
				out().println("This deletes every " + target.key() + " job of queue '" + this.queue + "' for good; add --yes to do it");
				return 2;
			}
			long deleted = this.cli.withOperations(this.queue, (operations, connector) -> operations.flush(this.queue, target));
			out().println("Deleted " + deleted + " " + target.key() + " job(s) from queue '" + this.queue + "'");
			return 0;
		}

	}

	/** A cluster-wide switch of one queue, turned by one {@link QueueOperations} call. */
	abstract static class SwitchCommand extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		private final Switch change;

		private final String result;

		SwitchCommand(Switch change, String result) {
			this.change = change;
			this.result = result;
		}

		@Override
		public Integer call() throws Exception {
			this.cli.withOperations(this.queue, (operations, connector) -> this.change.apply(operations, this.queue));
			out().println("Queue '" + this.queue + "' " + this.result);
			return 0;
		}

		@FunctionalInterface
		interface Switch {

			boolean apply(QueueOperations operations, String queue);

		}

	}

	@Command(name = "pause", description = "Stop every instance from fetching from the queue.")
	static final class Pause extends SwitchCommand {

		Pause() {
			super(QueueOperations::pause, "is paused");
		}

	}

	@Command(name = "resume", description = "Let every instance fetch from the queue again.")
	static final class Resume extends SwitchCommand {

		Resume() {
			super(QueueOperations::resume, "is consuming");
		}

	}

	@Command(name = "close-pushes", description = "Refuse pushes to the queue (producer gate for rolling restarts).")
	static final class ClosePushes extends SwitchCommand {

		ClosePushes() {
			super(QueueOperations::closePushes, "refuses pushes");
		}

	}

	@Command(name = "open-pushes", description = "Accept pushes to the queue again.")
	static final class OpenPushes extends SwitchCommand {

		OpenPushes() {
			super(QueueOperations::openPushes, "accepts pushes");
		}

	}

	<T> T withSchedules(String queue, ScheduleCall<T> call) throws Exception {
		QueueSettings settings = settings(queue);
		try (RedisConnector connector = RedisConnector.create(this.redis, tls())) {
			return call.apply(new ScheduleOperations(connector, Queues.of(settings)));
		}
	}

	@FunctionalInterface
	interface ScheduleCall<T> {

		T apply(ScheduleOperations schedules) throws Exception;

	}

	@Command(name = "schedules",
			description = "The queue's recurring jobs: when they fire, their last and next tick, paused, counts.")
	static final class Schedules extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Override
		public Integer call() throws Exception {
			List<ScheduleState> schedules = this.cli.withSchedules(this.queue, (operations) -> operations.schedules(this.queue));
			if (schedules.isEmpty()) {
				out().println("No schedules on queue '" + this.queue + "'");
				return 0;
			}
			out().printf("%-24s %-8s %-24s %-24s %7s %7s %9s  %s%n", "SCHEDULE", "STATUS", "LAST TICK", "NEXT TICK",
					"JOBS", "MISSED", "TRIGGERED", "SPEC / JOB / MISFIRE");
			for (ScheduleState schedule : schedules) {
				out().printf("%-24s %-8s %-24s %-24s %7d %7d %9s  %s / %s / %s%n", schedule.name(),
						schedule.paused() ? "paused" : "active", orDash(schedule.lastTick()), orDash(schedule.nextTick()),
						schedule.pushes(), schedule.missed(),
						schedule.triggered() + (schedule.triggerPending() ? "+1" : ""), schedule.spec(),
						schedule.jobName(), schedule.misfire());
			}
			return 0;
		}

		private static String orDash(Object value) {
			return (value != null) ? value.toString() : "-";
		}

	}

	/** An action on one schedule, stored in Redis for every instance. */
	abstract static class ScheduleCommand extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Parameters(index = "1", paramLabel = "SCHEDULE")
		String schedule;

		private final Action action;

		private final String done;

		private final String already;

		ScheduleCommand(Action action, String done, String already) {
			this.action = action;
			this.done = done;
			this.already = already;
		}

		@Override
		public Integer call() throws Exception {
			boolean changed = this.cli.withSchedules(this.queue,
					(operations) -> this.action.apply(operations, this.queue, this.schedule));
			out().println("Schedule '" + this.schedule + "' of queue '" + this.queue + "' "
					+ (changed ? this.done : this.already));
			return 0;
		}

		@FunctionalInterface
		interface Action {

			boolean apply(ScheduleOperations operations, String queue, String schedule);

		}

	}

	@Command(name = "pause-schedule", description = "Stop every instance from pushing the schedule's ticks.")
	static final class PauseSchedule extends ScheduleCommand {

		PauseSchedule() {
			super(ScheduleOperations::pause, "is paused", "was paused already");
		}

	}

	@Command(name = "resume-schedule",
			description = "Push the schedule's ticks again (its misfire policy decides about the ticks missed).")
	static final class ResumeSchedule extends ScheduleCommand {

		ResumeSchedule() {
			super(ScheduleOperations::resume, "is active", "was not paused");
		}

	}

	@Command(name = "trigger-schedule",
			description = "Push one job of the schedule now, through the first instance that looks (within a second).")
	static final class TriggerSchedule extends ScheduleCommand {

		TriggerSchedule() {
			super(ScheduleOperations::trigger, "will push one job within a second while an instance runs",
					"has a trigger waiting for an instance already");
		}

	}

	@Command(name = "limits",
			description = "Show a queue's cluster-wide limits and their use; with options, store limits in Redis that "
					+ "every instance obeys at its next fetch, overriding their configuration.")
	static final class Limits extends QueueCommand {

		@Parameters(index = "0", paramLabel = "QUEUE")
		String queue;

		@Option(names = "--global-concurrency", paramLabel = "N",
				description = "Most jobs running at once across every instance; 0 for no limit")
		Integer globalConcurrency;

		@Option(names = "--rate-limit", paramLabel = "MAX/PERIOD",
				description = "Most job starts in any window of the period, such as 50/1s or 1000/1m; 0 removes it")
		String rateLimit;

		@Option(names = "--group-concurrency", paramLabel = "N",
				description = "Most jobs of one group running at once across every instance; 1 or more")
		Integer groupConcurrency;

		@Option(names = "--clear", description = "Remove the limits stored in Redis: each instance's configuration applies again")
		boolean clear;

		@Override
		public Integer call() throws Exception {
			RateLimit rate = (this.rateLimit != null) ? parseRateLimit(this.rateLimit) : null;
			if (this.clear && (this.globalConcurrency != null || this.rateLimit != null || this.groupConcurrency != null)) {
				throw new CommandLine.ParameterException(this.spec.commandLine(),
						"--clear removes every limit stored in Redis: give it alone, then set limits in a second call");
			}
			FlowLimits limits = this.cli.withOperations(this.queue, (operations, connector) -> {
				if (this.clear) {
					operations.clearLimits(this.queue);
				}
				if (this.globalConcurrency != null || this.rateLimit != null || this.groupConcurrency != null) {
					// one change: every value is checked before any is stored
					Integer rateMax = (this.rateLimit != null) ? ((rate != null) ? rate.max() : 0) : null;
					operations.setLimits(this.queue, this.globalConcurrency, rateMax,
							(rate != null) ? rate.period() : null, this.groupConcurrency);
				}
				return operations.limits(this.queue);
			});
			out().println("Queue '" + this.queue + "': " + limits.running() + " running");
			out().println("  global concurrency: " + (limits.globalConcurrencySetAtRunTime()
					? ((limits.globalConcurrency() > 0) ? limits.running() + " of " + limits.globalConcurrency()
							: "none") + " (stored in Redis)"
					: "not stored in Redis (each instance's configuration applies)"));
			out().println("  rate limit: " + (limits.rateLimitSetAtRunTime()
					? ((limits.rateLimit() != null) ? limits.rateLimit().toString() : "none") + " (stored in Redis)"
					: "not stored in Redis (each instance's configuration applies)"));
			out().println("  group concurrency: " + (limits.groupConcurrencySetAtRunTime()
					? limits.groupConcurrency() + " per group (stored in Redis)"
					: "not stored in Redis (each instance's configuration applies)") + "; "
					+ limits.groups().running() + " group(s) running, " + limits.groups().heldBack()
					+ " held back at the limit");
			if (!limits.backoffLeft().isZero()) {
				out().println("  backed off by a handler for another " + limits.backoffLeft().toMillis() + "ms");
			}
			return 0;
		}

		/** {@code 50/1s}: a count, a slash and a period in ms, s, m or h; {@code 0} (or a count of 0) for no limit. */
		static RateLimit parseRateLimit(String value) {
			if (value.trim().equals("0")) {
				return null;
			}
			java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)/(\\d+)(ms|s|m|h)")
				.matcher(value.trim());
			if (!matcher.matches()) {
				throw new CommandLine.TypeConversionException(
						"Invalid --rate-limit '" + value + "': use MAX/PERIOD such as 50/1s, 100/500ms or 1000/1m");
			}
			int max = Integer.parseInt(matcher.group(1));
			long amount = Long.parseLong(matcher.group(2));
			java.time.Duration period = switch (matcher.group(3)) {
				case "ms" -> java.time.Duration.ofMillis(amount);
				case "s" -> java.time.Duration.ofSeconds(amount);
				case "m" -> java.time.Duration.ofMinutes(amount);
				default -> java.time.Duration.ofHours(amount);
			};
			return (max > 0) ? RateLimit.of(max, period) : null;
		}

	}

}
