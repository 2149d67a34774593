package io.asyncqueue.sample.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.sample.flashsale.Item;

/**
 * What a demo run did, and whether the queue kept its promises.
 *
 * @param path {@code seckill} or {@code limit-queue}
 * @param queue the queue that created the orders
 * @param item the item sold
 * @param stock the stock it was reset to
 * @param attempts purchase attempts fired
 * @param users distinct users they were drawn from
 * @param concurrency requests in flight at once
 * @param answers the HTTP answers, by kind
 * @param errors the first unexpected answers or I/O errors
 * @param firedNanos from the first attempt to the last answer
 * @param settledNanos from the first attempt until the last order was written or job failed
 * @param drained whether the queue settled every job within the drain timeout
 * @param httpLatencyNanos each attempt's round trip
 * @param queuedStockLeft the stock left each queued answer reported (seckill only)
 * @param stockLeft the stock left at the end: in Redis (seckill) or the database (limit-queue)
 * @param orders orders written for the item through this path
 * @param orderLatencyMillis for each order, from the purchase being accepted to the order being written
 * @param usersWithSeveralOrders users with more than one order (must be none)
 * @param jobsWithSeveralOrders jobs that wrote more than one order (must be none)
 * @param activity executions, retries and failures the queue's events reported during the run
 * @param orderOutcomes what the job's executions came to, by outcome (created, already_created, ...)
 * @param failedJobs the jobs that ended in {@code failed} during the run
 * @param checks the promises, each kept or broken
 */
public record LoadReport(String path, String queue, Item item, int stock, int attempts, int users, int concurrency,
		Map<Answer, Long> answers, List<String> errors, long firedNanos, long settledNanos, boolean drained,
		long[] httpLatencyNanos, List<Long> queuedStockLeft, long stockLeft, long orders, long[] orderLatencyMillis,
		List<String> usersWithSeveralOrders, List<String> jobsWithSeveralOrders, QueueActivity.Snapshot activity,
		Map<String, Double> orderOutcomes, List<FailedJob> failedJobs, List<Check> checks) {

	/** The kinds of answer to a purchase attempt. */
	public enum Answer {

		QUEUED(202), SOLD_OUT(410), ALREADY_BOUGHT(409), RATE_LIMITED(429), ERROR(0);

		private final int status;

		Answer(int status) {
			this.status = status;
		}

		String label() {
			return name().toLowerCase(Locale.ROOT).replace('_', ' ');
		}

	}

	/**
	 * One promise.
	 *
	 * @param name what is promised
	 * @param kept whether the run kept it
	 * @param detail the numbers behind the verdict
	 */
	public record Check(String name, boolean kept, String detail) {
	}

	/** Whether every promise was kept: the demo's exit code is 0 when it is, 1 when not. */
	public boolean passed() {
		return this.checks.stream().allMatch(Check::kept);
	}

	public long answered(Answer answer) {
		return this.answers.getOrDefault(answer, 0L);
	}

	/** Executions of the job that found their order already written: retries after a crash, re-deliveries. */
	public long repeatedExecutions() {
		return Math.round(this.orderOutcomes.getOrDefault("already_created", 0.0));
	}

	/** The report as printed at the end of a demo. */
	public String render() {
		StringBuilder out = new StringBuilder();
		String rule = "=".repeat(100);
		out.append('\n').append(rule).append('\n');
		out.append("  async-queue flash sale demo: ").append(this.path).append(" path").append('\n');
		out.append(rule).append('\n');
		line(out, "item", String.format("%s (%s), price %s, stock reset to %,d", this.item.name(), this.item.id(),
				this.item.price(), this.stock));
		line(out, "fired", String.format("%,d purchase attempts by up to %,d users, %d in flight, in %s (%,.0f attempts/s)",
				this.attempts, this.users, this.concurrency, seconds(this.firedNanos),
				this.attempts / Math.max(this.firedNanos / 1e9, 1e-9)));
		line(out, "answers", answers(this.answers, true)
				+ ("seckill".equals(this.path) ? "" : " (the limit queue's job decides: see job outcomes)"));
		long[] http = this.httpLatencyNanos.clone();
		Arrays.sort(http);
		line(out, "http latency", String.format("p50 %s · p95 %s · p99 %s · max %s", millis(percentile(http, 50)),
				millis(percentile(http, 95)), millis(percentile(http, 99)), millis(percentile(http, 100))));
		line(out, "orders", String.format("%,d written · %,d jobs failed for good%s · stock left %,d (%s)",
				this.orders, this.failedJobs.size(),
				this.failedJobs.isEmpty() ? "" : " (GET /actuator/asyncqueue/" + this.queue + ")",
				this.stockLeft, "seckill".equals(this.path) ? "in Redis" : "in the database"));
		line(out, "queue '" + this.queue + "'", String.format(
				"%,d executions · %,d retries · %,d executions found their order already written · %,d failed",
				this.activity.executions(), this.activity.retries(), repeatedExecutions(), this.activity.failed()));
		if (!"seckill".equals(this.path)) {
			line(out, "job outcomes", this.orderOutcomes.entrySet()
				.stream()
				.map((entry) -> String.format("%,.0f %s", entry.getValue(), entry.getKey().replace('_', ' ')))
				.collect(Collectors.joining(" · ")));
		}
		long[] orderLatency = this.orderLatencyMillis.clone();
		Arrays.sort(orderLatency);
		line(out, "order latency", (orderLatency.length == 0) ? "no orders"
				: String.format("accepted → written: p50 %,d ms · p95 %,d ms · max %,d ms; every job had settled %s after the first attempt",
						percentile(orderLatency, 50), percentile(orderLatency, 95), percentile(orderLatency, 100),
						seconds(this.settledNanos)));
		for (FailedJob job : this.failedJobs.subList(0, Math.min(5, this.failedJobs.size()))) {
			line(out, "failed job", String.format("%s after %d attempts: %s", job.id(), job.attempts(),
					job.reason().replace("io.asyncqueue.sample.flashsale.", "")));
		}
		for (String error : this.errors) {
			line(out, "error", error);
		}
		for (Check check : this.checks) {
			line(out, check.kept() ? "✔ kept" : "✘ BROKEN", check.name() + ": " + check.detail());
		}
		line(out, "result", passed() ? "PASS: no oversell, no duplicate order, nothing lost"
				: "FAIL: a promise was broken (exit code 1)");
		out.append(rule).append('\n');
		return out.toString();
	}

	/**
	 * The answers by kind, such as {@code 100 queued (202) · 3,900 sold out (410) · ... · 0 errors}.
	 * @param answers the counts
	 * @param withStatus with the HTTP statuses, leaving out kinds that did not occur (the errors always show)
	 * @return the text
	 */
	static String answers(Map<Answer, Long> answers, boolean withStatus) {
		List<String> parts = new ArrayList<>();
		for (Answer answer : Answer.values()) {
			long count = answers.getOrDefault(answer, 0L);
			if (count == 0 && withStatus && answer != Answer.ERROR) {
				continue;
			}
			String label = (answer == Answer.ERROR) ? "errors" : answer.label();
			parts.add(String.format("%,d %s", count, label)
					+ ((withStatus && answer.status != 0) ? " (" + answer.status + ")" : ""));
		}
		return String.join(" · ", parts);
	}

	static String seconds(long nanos) {
		return String.format("%.1f s", nanos / 1e9);
	}

	private static String millis(long nanos) {
		return String.format("%.1f ms", nanos / 1e6);
	}

	private static long percentile(long[] sorted, int percent) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static void line(StringBuilder out, String label, String text) {
		out.append(String.format("  %-20s %s%n", label, text));
	}

	/** Collects a run's numbers, then works out the checks. */
	static final class Builder {

		String path;

		String queue;

		Item item;

		int stock;

		int attempts;

		int users;

		int concurrency;

		Map<Answer, Long> answers;

		List<String> errors;

		long firedNanos;

		long settledNanos;

		boolean drained;

		long[] httpLatencyNanos;

		List<Long> queuedStockLeft;

		long stockLeft;

		long orders;

		long[] orderLatencyMillis;

		List<String> usersWithSeveralOrders;

		List<String> jobsWithSeveralOrders;

		QueueActivity.Snapshot activity;

		Map<String, Double> orderOutcomes;

		List<FailedJob> failedJobs;

		LoadReport build() {
			List<Check> checks = "seckill".equals(this.path) ? seckillChecks() : limitQueueChecks();
			return new LoadReport(this.path, this.queue, this.item, this.stock, this.attempts, this.users,
					this.concurrency, this.answers, this.errors, this.firedNanos, this.settledNanos, this.drained,
					this.httpLatencyNanos, this.queuedStockLeft, this.stockLeft, this.orders, this.orderLatencyMillis,
					this.usersWithSeveralOrders, this.jobsWithSeveralOrders, this.activity, this.orderOutcomes,
					this.failedJobs, checks);
		}

		private List<Check> seckillChecks() {
			long queued = this.answers.getOrDefault(Answer.QUEUED, 0L);
			long failed = this.failedJobs.size();
			long taken = this.stock - this.stockLeft;
			long distinctUnits = new HashSet<>(this.queuedStockLeft).size();
			long lowest = this.queuedStockLeft.stream().mapToLong(Long::longValue).min().orElse(0);
			return List.of(
					new Check("no oversell", this.orders + failed <= this.stock && this.stockLeft >= 0,
							String.format("%,d orders + %,d failed jobs hold %,d of the %,d units", this.orders, failed,
									this.orders + failed, this.stock)),
					new Check("stock never below zero",
							this.stockLeft >= 0 && lowest >= 0 && taken == queued
									&& distinctUnits == this.queuedStockLeft.size(),
							String.format("%,d units taken in Redis, %,d queued answers each got its own (stock left"
									+ " %,d at the lowest), %,d left", taken, queued, lowest, this.stockLeft)),
					duplicates(),
					new Check("nothing lost", this.drained && this.orders + failed == queued,
							String.format("%,d queued purchases = %,d orders + %,d in failed%s", queued, this.orders,
									failed, this.drained ? "" : "; the queue did not settle in time")));
		}

		private List<Check> limitQueueChecks() {
			long queued = this.answers.getOrDefault(Answer.QUEUED, 0L);
			long failed = this.failedJobs.size();
			long handled = Math.round(this.orderOutcomes.getOrDefault("created", 0.0)
					+ this.orderOutcomes.getOrDefault("sold_out", 0.0)
					+ this.orderOutcomes.getOrDefault("already_bought", 0.0));
			long lost = (this.stock - this.orders) - this.stockLeft;
			return List.of(
					new Check("no oversell", this.orders <= this.stock && this.stockLeft >= 0 && lost == 0,
							String.format("%,d orders of %,d units, %,d left in the database%s", this.orders,
									this.stock, this.stockLeft,
									(lost == 0) ? "" : String.format(" (%,d decrements lost: two jobs ran at once)",
											-lost))),
					duplicates(),
					new Check("nothing lost", this.drained && handled + failed == queued,
							String.format("%,d queued purchases = %,d handled + %,d in failed%s", queued, handled,
									failed, this.drained ? "" : "; the queue did not settle in time")));
		}

		private Check duplicates() {
			boolean none = this.usersWithSeveralOrders.isEmpty() && this.jobsWithSeveralOrders.isEmpty();
			return new Check("no duplicate order", none, none
					? String.format("no user and no job has two orders; %,.0f repeated executions wrote nothing",
							this.orderOutcomes.getOrDefault("already_created", 0.0))
					: String.format("users with several orders %s, jobs with several orders %s",
							this.usersWithSeveralOrders, this.jobsWithSeveralOrders));
		}

	}

}
