package io.asyncqueue.it.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushGuard;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.it.WorkerMain;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;

/**
 * ShopKillIT's application JVM: a flash sale built as the starter's README tells a user to build it. Buyer
 * threads take a unit and push its order in one guarded push; {@link ShopOrderJob} writes the order to an H2
 * file database that makes every commit durable ({@code WRITE_DELAY=0}); the job is acknowledged after the
 * commit. The test kills this JVM with SIGKILL at random moments and starts it again on the same Redis and
 * database.
 *
 * <p>Properties ({@code --key=value}): {@code shop.units}, {@code shop.users} (buyers are drawn from
 * {@code user-0 .. user-<users-1>}), {@code shop.buyers} (threads), {@code shop.pause-ms} (each buyer's pause between attempts),
 * {@code shop.order-ms} (time an order takes to write, before its insert), plus the usual {@code spring.data.redis.url},
 * {@code spring.datasource.url} and {@code async-queue.*}. It prints {@code IT-EVENT READY <epoch-ms>} once
 * consuming and buying, {@code IT-PURCHASE <user> <job id>} for each purchase accepted, and
 * {@code IT-EVENT SOLD_OUT <epoch-ms>} when its buyers stop.
 */
@SpringBootApplication
public class ShopApplication {

	static final String GUARD = read("/io/asyncqueue/it/shop/take-one.lua");

	/**
	 * What issue 13 found in the sample, kept to show that ShopKillIT catches it ({@code --shop.two-steps=true}):
	 * the same gate, which takes the unit and refuses the push, then a second call pushes the order.
	 */
	static final String TWO_STEPS_GATE = GUARD.replace("return true, redis.call('DECR', KEYS[1])",
			"redis.call('DECR', KEYS[1]) return false, 'taken'");

	private final QueueTemplate queue;

	private final JdbcTemplate jdbc;

	private final Environment environment;

	private final AtomicBoolean soldOut = new AtomicBoolean();

	public ShopApplication(QueueTemplate queue, JdbcTemplate jdbc, Environment environment) {
		this.queue = queue;
		this.jdbc = jdbc;
		this.environment = environment;
	}

	public static void main(String[] args) {
		exitWithTheTest();
		SpringApplication application = new SpringApplication(ShopApplication.class);
		// its threads are the queue's daemons once the buyers are done: stay up to drain
		application.setDefaultProperties(Map.of("spring.main.keep-alive", "true"));
		application.run(args);
	}

	@EventListener(ApplicationReadyEvent.class)
	public void open() {
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS orders (job_id VARCHAR(64) NOT NULL PRIMARY KEY, "
				+ "user_id VARCHAR(64) NOT NULL UNIQUE, created_at TIMESTAMP NOT NULL)");
		int buyers = this.environment.getProperty("shop.buyers", Integer.class, 8);
		int users = this.environment.getRequiredProperty("shop.users", Integer.class);
		ExecutorService threads = Executors.newFixedThreadPool(buyers);
		String units = this.environment.getRequiredProperty("shop.units");
		for (int i = 0; i < buyers; i++) {
			threads.execute(() -> buy(users, units));
		}
		threads.shutdown();
		System.out.println(WorkerMain.EVENT + "READY " + System.currentTimeMillis());
		new Thread(() -> {
			try {
				threads.awaitTermination(1, TimeUnit.HOURS);
				System.out.println(WorkerMain.EVENT + "SOLD_OUT " + System.currentTimeMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "shop-sold-out").start();
	}

	private void buy(int users, String units) {
		boolean twoSteps = this.environment.getProperty("shop.two-steps", Boolean.class, false);
		long pause = this.environment.getProperty("shop.pause-ms", Long.class, 0L);
		PushGuard gate = PushGuard.script(twoSteps ? TWO_STEPS_GATE : GUARD)
			.keys(this.queue.guardKey(ShopOrderJob.class, "stock"), this.queue.guardKey(ShopOrderJob.class, "buyers"),
					this.queue.guardKey(ShopOrderJob.class, "attempts"));
		while (!this.soldOut.get()) {
			String user = "user-" + ThreadLocalRandom.current().nextInt(users);
			try {
				PushOptions once = PushOptions.unique(user);
				PushResult result = this.queue.push(ShopOrderJob.class, user, once.guard(gate.args(user, units)));
				if (twoSteps && "taken".equals(result.guardReply())) {
					result = this.queue.push(ShopOrderJob.class, user, once);
				}
				if (result.created()) {
					System.out.println("IT-PURCHASE " + user + " " + result.id());
				}
				else if ("sold_out".equals(result.guardReply())) {
					this.soldOut.set(true);
				}
			}
			catch (RuntimeException ex) {
				// Redis unreachable: the push failed whole, nothing was taken; the buyer tries again
				sleep(50);
			}
			sleep(pause);
		}
	}

	/** Never outlive the test that started us. */
	private static void exitWithTheTest() {
		ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
		Thread watchdog = new Thread(() -> {
			while (parent == null || parent.isAlive()) {
				sleep(500);
			}
			Runtime.getRuntime().halt(3);
		}, "shop-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String read(String resource) {
		try (InputStream in = ShopApplication.class.getResourceAsStream(resource)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes the order of a unit the gate took: insert once, keyed by the job's id (the same on every
	 * attempt) and by the user. The job is acknowledged after the commit, which H2 has written to its file.
	 */
	@QueueJob(queue = "orders", name = "shop-order")
	public static class ShopOrderJob implements Job<String> {

		private final JdbcTemplate jdbc;

		private final long sleepMs;

		public ShopOrderJob(JdbcTemplate jdbc, Environment environment) {
			this.jdbc = jdbc;
			this.sleepMs = environment.getProperty("shop.order-ms", Long.class, 0L);
		}

		@Override
		public void handle(String user, JobContext context) throws InterruptedException {
			Thread.sleep(this.sleepMs);
			try {
				this.jdbc.update("INSERT INTO orders (job_id, user_id, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
						context.id(), user);
			}
			catch (DuplicateKeyException ex) {
				// a re-run after a crash between the commit and the acknowledgement: the order is there
			}
		}

	}

}
