package io.asyncqueue.benchmark.rqueue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.sonus21.rqueue.config.SimpleRqueueListenerContainerFactory;
import com.github.sonus21.rqueue.core.RqueueMessageEnqueuer;
import com.github.sonus21.rqueue.listener.RqueueMessageListenerContainer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.asyncqueue.benchmark.Args;
import io.asyncqueue.benchmark.BlockingPeer;
import io.asyncqueue.benchmark.DrainClock;
import io.asyncqueue.benchmark.Pace;
import io.asyncqueue.benchmark.Protocol;
import io.asyncqueue.benchmark.Stats;
import io.asyncqueue.benchmark.Work;

/**
 * Rqueue adapter of the queue-benchmark harness: a small Spring Boot 3.0 app, one scenario per process.
 *
 * <pre>java -jar rqueue-peer.jar drain port=6400 jobs=100000 concurrency=8 history=off</pre>
 *
 * Same scenarios, arguments and protocol as the OURS adapter (see queue-benchmark/README.md). Rqueue
 * runs at its defaults except: the listener's concurrency where a scenario sets one, the container
 * started by hand once a scenario's prefill is done, the GitHub version check off (no traffic leaves
 * 127.0.0.1), with {@code history=off} its job and message history off, and with {@code tuned=true} its
 * polling interval at 10 ms instead of 200 ms and each poll fetching up to the listener's concurrency.
 */
@SpringBootApplication
public class RqueuePeer extends BlockingPeer<BenchJob> {

	private static volatile Runnable onCompleted = () -> {
	};

	/** Rqueue's poller sleeps this long when no listener thread is free or the queue is empty (default 200 ms). */
	static final long TUNED_POLLING_INTERVAL_MS = 10;

	@Bean
	SimpleRqueueListenerContainerFactory simpleRqueueListenerContainerFactory(
			@org.springframework.beans.factory.annotation.Value("${bench.pollingInterval:0}") long pollingInterval) {
		SimpleRqueueListenerContainerFactory factory = new SimpleRqueueListenerContainerFactory();
		if (pollingInterval > 0) {
			factory.setPollingInterval(pollingInterval);
		}
		// Started by the scenario, after its prefill.
		factory.setAutoStartup(false);
		// Called after a successful execution has been acknowledged (removed from the processing set).
		factory.setPostExecutionMessageProcessor((job) -> {
			onCompleted.run();
			return true;
		});
		return factory;
	}

	private final String queue;

	private ConfigurableApplicationContext context;

	private RqueueMessageEnqueuer enqueuer;

	private RqueuePeer(Args args) {
		super(args);
		this.queue = args.string("queue", "bench");
	}

	/** Spring's constructor. */
	public RqueuePeer() {
		super(null);
		this.queue = null;
	}

	public static void main(String[] argv) {
		RqueuePeer peer = new RqueuePeer(Args.parse(argv));
		Protocol.runAndExit(peer.args.scenario(), peer::run, () -> {
			if (peer.context != null) {
				peer.context.close();
			}
		});
	}

	private Map<String, Object> run() throws Exception {
		String queues = this.queue;
		if (this.args.scenario().equals("idle")) {
			List<String> names = new ArrayList<>();
			for (int q = 0; q < integer("queues", 4); q++) {
				names.add(this.queue + "-idle-" + q);
			}
			queues = String.join(",", names);
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", integer("port", 6379));
		properties.put("rqueue.latest.version.check.enabled", "false");
		properties.put("bench.queues", queues);
		// -1 is Rqueue's default (a shared pool); scenarios that consume set 8 or 32.
		properties.put("bench.concurrency", this.args.string("concurrency", "-1"));
		// -1 is Rqueue's default batch size too (derived from the concurrency).
		properties.put("bench.batchSize", "-1");
		if ("true".equals(this.args.string("tuned", "false"))) {
			properties.put("bench.pollingInterval", TUNED_POLLING_INTERVAL_MS);
			properties.put("bench.batchSize", this.args.string("concurrency", "-1"));
		}
		if ("off".equals(this.args.string("history", "on"))) {
			properties.put("rqueue.job.enabled", "false");
			properties.put("rqueue.message.durability.in-terminal-state", "0");
			properties.put("rqueue.web.collect.listener.stats", "false");
		}
		SpringApplication application = new SpringApplication(RqueuePeer.class);
		application.setDefaultProperties(springProperties(properties));
		this.context = application.run();
		this.enqueuer = this.context.getBean(RqueueMessageEnqueuer.class);
		return switch (this.args.scenario()) {
			case "push-single" -> pushSingle();
			case "push-threads" -> pushThreads();
			case "push-batch" -> pushBatch();
			case "drain" -> drain();
			case "latency" -> latency();
			case "delayed" -> delayed();
			case "fill" -> fill();
			case "idle" -> idle();
			default -> throw new IllegalArgumentException("unknown scenario " + this.args.scenario());
		};
	}

	@Override
	protected BenchJob job(int i, long t, long dueMicros, String data) {
		BenchJob job = BenchJob.of(i);
		job.setT(t);
		job.setDue(dueMicros);
		job.setData(data);
		return job;
	}

	@Override
	protected void push(BenchJob job) {
		if (this.enqueuer.enqueue(this.queue, job) == null) {
			throw new IllegalStateException("Rqueue did not enqueue (it returns null instead of throwing)");
		}
	}

	@Override
	protected void pushIn(BenchJob job, int delayMs) {
		this.enqueuer.enqueueIn(this.queue, job, delayMs);
	}

	@Override
	protected void onStarted(Started handler) {
		BenchListener.handler = (job) -> handler.started(job.getI(), job.getT(), job.getDue());
	}

	@Override
	protected void startConsuming() {
		this.context.getBean(RqueueMessageListenerContainer.class).start();
	}

	@Override
	protected void stopConsuming() {
		this.context.getBean(RqueueMessageListenerContainer.class).stop();
	}

	private Map<String, Object> pushBatch() {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("unsupported", "Rqueue 3.2 has no batch enqueue");
		return figures;
	}

	// ---------------------------------------------------------------- drain

	private Map<String, Object> drain() throws InterruptedException {
		DrainClock clock = new DrainClock(this.args);
		// Rqueue completes at most a few hundred jobs/s at its defaults, so its warm-up ends by time: more than
		// 5 000 warm-up jobs would only make its (slow) prefill longer.
		int total = clock.total(5000);
		int concurrency = integer("concurrency", 8);
		Runnable work = Work.of(this.args);
		BenchListener.handler = (job) -> work.run();
		long prefillStart = System.nanoTime();
		int pushed = parallelPush(total, 32, Long.MAX_VALUE, (i) -> BenchJob.of(i));
		double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
		StringRedisTemplate redis = new StringRedisTemplate(
				this.context.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class));
		String waitingKey = this.context.getBean(com.github.sonus21.rqueue.config.RqueueConfig.class)
			.getQueueName(this.queue);
		Long waiting = redis.opsForList().size(waitingKey);
		if (pushed != total || waiting == null || waiting != total) {
			throw new IllegalStateException("expected " + total + " waiting jobs after the prefill, found " + waiting);
		}
		onCompleted = clock::completed;
		clock.begin();
		startConsuming();
		Map<String, Object> figures = clock.await();
		stopConsuming();
		figures.put("concurrency", concurrency);
		figures.put("prefillRate", Stats.round(total / prefillSeconds, 1));
		figures.put("leftWaiting", redis.opsForList().size(waitingKey));
		return figures;
	}

	// ---------------------------------------------------------------- idle (measured by the driver)

	private Map<String, Object> idle() throws Exception {
		startConsuming();
		Protocol.event("ready");
		Protocol.await("stop");
		stopConsuming();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("queues", integer("queues", 4));
		figures.put("settings", "Rqueue defaults (poll every 200 ms when empty)");
		return figures;
	}

}
