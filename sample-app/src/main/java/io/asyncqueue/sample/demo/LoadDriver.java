package io.asyncqueue.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.sample.SampleProperties;
import io.asyncqueue.sample.demo.LoadReport.Answer;
import io.asyncqueue.sample.flashsale.Catalog;
import io.asyncqueue.sample.flashsale.Item;
import io.asyncqueue.sample.flashsale.Order;
import io.asyncqueue.sample.flashsale.Orders;

/**
 * The built-in load driver: resets an item, fires purchase attempts at this application's own HTTP API over
 * the loopback interface from many users at once, waits until the queue has settled every job, and checks
 * the promises: no oversell, no duplicate order, nothing lost. Bounded: it fires the configured number of
 * attempts and waits at most {@code drain-timeout} for the queue.
 */
@Component
public class LoadDriver {

	private static final Logger log = LoggerFactory.getLogger(LoadDriver.class);

	private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private final Environment environment;

	private final Catalog catalog;

	private final Orders orders;

	private final QueueOperations operations;

	private final QueueActivity activity;

	private final MeterRegistry meters;

	private final JsonMapper json;

	public LoadDriver(Environment environment, Catalog catalog, Orders orders, QueueOperations operations,
			QueueActivity activity, MeterRegistry meters, JsonMapper json) {
		this.environment = environment;
		this.catalog = catalog;
		this.orders = orders;
		this.operations = operations;
		this.activity = activity;
		this.meters = meters;
		this.json = json;
	}

	/**
	 * Run one demo.
	 * @param demo what to fire
	 * @return the report
	 */
	public LoadReport run(SampleProperties.Demo demo) throws InterruptedException {
		Item item = this.catalog.find(demo.item())
			.orElseThrow(() -> new IllegalArgumentException("sample.demo.item: no item '" + demo.item()
					+ "' under sample.items"));
		boolean seckill = switch (demo.path()) {
			case "seckill" -> true;
			case "limit-queue" -> false;
			default -> throw new IllegalArgumentException(
					"sample.demo.path must be 'seckill' or 'limit-queue', not '" + demo.path() + "'");
		};
		String channel = seckill ? Order.SECKILL : Order.LIMIT_QUEUE;
		String queue = seckill ? "orders" : "limit-queue";
		int port = this.environment.getRequiredProperty("local.server.port", Integer.class);
		String endpoint = "http://127.0.0.1:" + port + (seckill ? "/seckill/" : "/limit-queue/") + item.id();

		if (!awaitSettled(queue, Duration.ofSeconds(10))) {
			log.warn("Queue '{}' still has jobs from before the demo; the demo's numbers include them", queue);
		}
		this.catalog.reset(item, demo.stock());
		QueueActivity.Snapshot activityBefore = this.activity.snapshot(queue);
		Map<String, Double> outcomesBefore = orderOutcomes(channel);
		Instant started = Instant.now();

		List<String> buyers = buyers(demo);
		Attempts attempts = new Attempts(buyers.size());
		log.info("Demo: {} purchase attempts on {} by {} users ({} at a time) at POST {}", buyers.size(),
				item.name(), demo.users(), demo.concurrency(), endpoint.replaceFirst("^http://[^/]+", ""));

		ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(named("demo-progress"));
		progress.scheduleAtFixedRate(() -> logProgress(attempts, item, channel, queue),
				PROGRESS_INTERVAL.toMillis(), PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		long start = System.nanoTime();
		boolean drained;
		long firedNanos;
		try {
			fire(endpoint, buyers, demo.concurrency(), attempts);
			firedNanos = System.nanoTime() - start;
			log.info("Demo: all {} attempts answered in {}; waiting for queue '{}' to settle every job", buyers.size(),
					LoadReport.seconds(firedNanos), queue);
			drained = awaitSettled(queue, demo.drainTimeout());
		}
		finally {
			progress.shutdownNow();
		}

		LoadReport.Builder report = new LoadReport.Builder();
		report.path = demo.path();
		report.queue = queue;
		report.item = item;
		report.stock = demo.stock();
		report.attempts = buyers.size();
		report.users = demo.users();
		report.concurrency = demo.concurrency();
		report.answers = attempts.answers();
		report.errors = List.copyOf(attempts.errors);
		report.firedNanos = firedNanos;
		report.drained = drained;
		report.httpLatencyNanos = attempts.latencies();
		report.queuedStockLeft = attempts.queuedStockLeft();
		report.stockLeft = seckill ? this.catalog.stockLeft(item.id()) : this.orders.stock(item.id());
		List<Order> created = this.orders.findByItem(item.id(), Integer.MAX_VALUE)
			.stream()
			.filter((order) -> order.channel().equals(channel))
			.toList();
		report.orders = created.size();
		report.orderLatencyMillis = created.stream()
			.mapToLong((order) -> Duration.between(order.requestedAt(), order.createdAt()).toMillis())
			.toArray();
		report.usersWithSeveralOrders = this.orders.usersWithSeveralOrders(item.id());
		report.jobsWithSeveralOrders = this.orders.jobsWithSeveralOrders(item.id());
		report.activity = this.activity.snapshot(queue).minus(activityBefore);
		Map<String, Double> outcomesAfter = orderOutcomes(channel);
		outcomesAfter.replaceAll((outcome, count) -> count - outcomesBefore.getOrDefault(outcome, 0.0));
		report.orderOutcomes = outcomesAfter;
		report.failedJobs = this.operations.failedJobs(queue, 0, 1000)
			.stream()
			.filter((job) -> !job.failedAt().isBefore(started.minusSeconds(1)) && isFor(item, job))
			.toList();
		Instant lastSettled = Stream
			.concat(created.stream().map((order) -> order.createdAt().toInstant()),
					report.failedJobs.stream().map(FailedJob::failedAt))
			.max(Instant::compareTo)
			.orElse(started);
		report.settledNanos = Duration.between(started, lastSettled).toNanos();
		return report.build();
	}

	/** Whether a failed job's payload is about the item. */
	private boolean isFor(Item item, FailedJob job) {
		try {
			return item.id().equals(this.json.readTree(job.envelope()).path("payload").path("item").asString(null));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Who fires: first the users whose orders always fail, then users drawn at random. */
	private static List<String> buyers(SampleProperties.Demo demo) {
		List<String> buyers = new ArrayList<>(demo.attempts());
		int failing = Math.min(demo.failingUsers(), demo.attempts());
		for (int i = 1; i <= failing; i++) {
			buyers.add("fail-" + i);
		}
		Random random = new Random(42);
		int width = Integer.toString(demo.users()).length();
		while (buyers.size() < demo.attempts()) {
			buyers.add("user-" + String.format("%0" + width + "d", random.nextInt(demo.users()) + 1));
		}
		return buyers;
	}

	private void fire(String endpoint, List<String> buyers, int concurrency, Attempts attempts)
			throws InterruptedException {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		AtomicInteger next = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(concurrency, named("demo-buyer"));
		for (int worker = 0; worker < concurrency; worker++) {
			pool.execute(() -> {
				for (int i = next.getAndIncrement(); i < buyers.size(); i = next.getAndIncrement()) {
					attempt(http, endpoint, buyers.get(i), i, attempts);
				}
			});
		}
		pool.shutdown();
		if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
			pool.shutdownNow();
			throw new IllegalStateException("The purchase attempts did not finish in 10 minutes");
		}
	}

	private void attempt(HttpClient http, String endpoint, String user, int index, Attempts attempts) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?user=" + user))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(30))
			.build();
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			long latency = System.nanoTime() - start;
			Answer answer = switch (response.statusCode()) {
				case 202 -> Answer.QUEUED;
				case 410 -> Answer.SOLD_OUT;
				case 409 -> Answer.ALREADY_BOUGHT;
				case 429 -> Answer.RATE_LIMITED;
				default -> Answer.ERROR;
			};
			Long stockLeft = null;
			if (answer == Answer.QUEUED) {
				JsonNode body = this.json.readTree(response.body());
				stockLeft = body.path("stockLeft").isNumber() ? body.path("stockLeft").asLong() : null;
			}
			else if (answer == Answer.ERROR) {
				attempts.error("HTTP " + response.statusCode() + " for " + user + ": " + response.body());
			}
			attempts.record(index, answer, latency, stockLeft);
		}
		catch (IOException | RuntimeException ex) {
			attempts.error(user + ": " + ex);
			attempts.record(index, Answer.ERROR, System.nanoTime() - start, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Wait until the queue has no job waiting, delayed or running. */
	private boolean awaitSettled(String queue, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			QueueCounts counts = this.operations.counts(queue);
			if (counts.waiting() + counts.delayed() + counts.reserved() == 0) {
				return true;
			}
			if (System.nanoTime() > deadline) {
				log.warn("Queue '{}' did not settle in {}: {}", queue, timeout, counts);
				return false;
			}
			Thread.sleep(100);
		}
	}

	private void logProgress(Attempts attempts, Item item, String channel, String queue) {
		try {
			QueueCounts counts = this.operations.counts(queue);
			Map<Answer, Long> answers = attempts.answers();
			log.info("Demo: {}/{} answered ({}) · {} orders · queue '{}': {} waiting, {} delayed, {} running, {} failed",
					attempts.answered(), attempts.size(), LoadReport.answers(answers, false),
					this.orders.count(item.id(), channel), queue, counts.waiting(), counts.delayed(),
					counts.reserved(), counts.failed());
		}
		catch (RuntimeException ex) {
			log.info("Demo: {}/{} answered ({})", attempts.answered(), attempts.size(), ex.toString());
		}
	}

	/** The sample.orders counters of a channel, by outcome. */
	private Map<String, Double> orderOutcomes(String channel) {
		Map<String, Double> outcomes = new TreeMap<>();
		for (Counter counter : this.meters.find("sample.orders").tag("channel", channel).counters()) {
			outcomes.merge(counter.getId().getTag("outcome"), counter.count(), Double::sum);
		}
		return outcomes;
	}

	private static ThreadFactory named(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** The attempts' answers, filled in by the buyer threads. */
	private static final class Attempts {

		private final Answer[] answers;

		private final long[] latencies;

		private final Long[] stockLeft;

		private final Map<Answer, LongAdder> counts = new EnumMap<>(Answer.class);

		private final LongAdder answered = new LongAdder();

		private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

		private final AtomicInteger errorCount = new AtomicInteger();

		Attempts(int size) {
			this.answers = new Answer[size];
			this.latencies = new long[size];
			this.stockLeft = new Long[size];
			for (Answer answer : Answer.values()) {
				this.counts.put(answer, new LongAdder());
			}
		}

		int size() {
			return this.answers.length;
		}

		void record(int index, Answer answer, long latency, Long stockLeft) {
			// each index is written by one thread; the pool's termination publishes the arrays
			this.answers[index] = answer;
			this.latencies[index] = latency;
			this.stockLeft[index] = stockLeft;
			this.counts.get(answer).increment();
			this.answered.increment();
		}

		void error(String message) {
			if (this.errorCount.incrementAndGet() <= 10) {
				this.errors.add(message);
			}
		}

		long answered() {
			return this.answered.sum();
		}

		Map<Answer, Long> answers() {
			Map<Answer, Long> answers = new EnumMap<>(Answer.class);
			this.counts.forEach((answer, count) -> answers.put(answer, count.sum()));
			return answers;
		}

		long[] latencies() {
			return Arrays.copyOf(this.latencies, this.latencies.length);
		}

		/** The stock left that each queued answer reported: distinct, between 0 and the stock, if nothing oversold. */
		List<Long> queuedStockLeft() {
			List<Long> values = new ArrayList<>();
			for (int i = 0; i < this.answers.length; i++) {
				if (this.answers[i] == Answer.QUEUED && this.stockLeft[i] != null) {
					values.add(this.stockLeft[i]);
				}
			}
			return values;
		}

	}

}
