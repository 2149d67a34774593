package io.asyncqueue.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.it.shop.ShopApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 6, issue 13: a flash sale killed at any moment loses no order. {@link ShopApplication} (the
 * starter, a guarded push that takes a unit and queues its order in one script, orders in an H2 file written
 * with {@code WRITE_DELAY=0}) sells {@value #UNITS} units to buyer threads; its JVM is killed with SIGKILL at
 * random moments {@value #KILLS} times and started again on the same Redis and database, then left to sell out
 * and drain. Then: units taken in Redis = orders written, each buyer has exactly one order, every purchase the
 * application accepted has its order, and nothing was sold twice or beyond the stock.
 *
 * <p>{@code -Dit.shop.two-steps=true} runs the shop as issue 13 found the sample (the gate, then the push, two
 * calls): then the test fails, with units taken that have no order.
 */
class ShopKillIT extends ItSupport {

	static final int UNITS = 1_500;

	static final int USERS = 5_000;

	static final int KILLS = 4;

	@Test
	void killedAtRandomMomentsTheShopLosesNoOrder() throws Exception {
		Path data = this.logDirectory.resolve("db");
		deleteTree(data);
		String database = "jdbc:h2:file:" + data.resolve("shop").toAbsolutePath() + ";WRITE_DELAY=0";
		String channel = "async-queue:" + this.queue;
		List<String> args = List.of("--spring.main.banner-mode=off", "--spring.data.redis.url=" + server.uri(),
				"--spring.datasource.url=" + database, "--spring.datasource.username=sa",
				"--async-queue.queues.orders.channel=" + channel, "--async-queue.queues.orders.concurrency=4",
				"--async-queue.queues.orders.lease-duration=2s", "--async-queue.queues.orders.max-stalls=1000",
				"--async-queue.queues.orders.max-attempts=1000", "--async-queue.queues.orders.retry-backoff=100ms",
				"--async-queue.queues.orders.shutdown-timeout=1s", "--shop.units=" + UNITS, "--shop.users=" + USERS,
				"--shop.buyers=4", "--shop.pause-ms=0", "--shop.order-ms=10",
				"--shop.two-steps=" + Boolean.getBoolean("it.shop.two-steps"));
		String tag = QueueKeys.guardPrefix(channel);
		long begin = System.currentTimeMillis();
		List<WorkerProcess> incarnations = new ArrayList<>();
		List<String> atKills = new ArrayList<>();
		long pendingAtKills = 0;
		for (int kill = 1; kill <= KILLS; kill++) {
			WorkerProcess shop = start("shop-" + kill, args, incarnations);
			Thread.sleep(ThreadLocalRandom.current().nextLong(300, 2_000));
			State state = state();
			String stock = admin().get(tag + "stock");
			int exit = shop.kill();
			assertThat(exit).as("SIGKILL's exit status").isEqualTo(WorkerProcess.SIGKILL_EXIT);
			pendingAtKills += state.pending();
			atKills.add("stock " + stock + ", jobs pending " + state.pending());
		}
		WorkerProcess last = start("shop-last", args, incarnations);
		last.awaitEvent("SOLD_OUT", Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> state().pending() == 0);
		last.kill();
		long end = System.currentTimeMillis();

		long stockLeft = Long.parseLong(admin().get(tag + "stock"));
		Set<String> buyers = admin().smembers(tag + "buyers");
		long attempts = Long.parseLong(admin().get(tag + "attempts"));
		Map<String, Integer> ordersByUser = orders(database);
		long orders = ordersByUser.values().stream().mapToLong(Integer::longValue).sum();
		Set<String> accepted = accepted(incarnations);
		Set<String> takenWithoutOrder = new HashSet<>(buyers);
		takenWithoutOrder.removeAll(ordersByUser.keySet());
		Set<String> acceptedWithoutOrder = new HashSet<>(accepted);
		acceptedWithoutOrder.removeAll(ordersByUser.keySet());
		long duplicates = orders - ordersByUser.size();
		State state = state();

		log("%d purchase attempts, %d accepted by the application; %d kills at %s; %d units: %d taken in Redis, "
				+ "%d orders written, %d taken without an order, %d accepted without an order, %d duplicates; %s",
				attempts, accepted.size(), KILLS, atKills, UNITS, UNITS - stockLeft, orders, takenWithoutOrder.size(),
				acceptedWithoutOrder.size(), duplicates, seconds(end - begin));

		assertThat(pendingAtKills).as("jobs waiting or running when the JVM was killed, over all kills").isPositive();
		assertThat(stockLeft).as("units left once sold out").isZero();
		assertThat(buyers).as("buyers holding a unit").hasSize(UNITS);
		assertThat(takenWithoutOrder).as("units taken in Redis without an order").isEmpty();
		assertThat(ordersByUser.keySet()).as("orders of users who hold no unit").isSubsetOf(buyers);
		assertThat(acceptedWithoutOrder).as("purchases accepted without an order").isEmpty();
		assertThat(duplicates).as("users with a second order").isZero();
		assertThat(orders).as("orders written = units taken (no oversell)").isEqualTo(UNITS);
		assertThat(state.failed() + state.timeout()).as("jobs failed or parked").isZero();

		Guarantees.record(6, "flash sale (starter, guarded push, H2 file with WRITE_DELAY=0): application JVM killed"
				+ " with kill -9 at random moments " + KILLS + " times, restarted on the same Redis and database",
				String.format("%,d purchase attempts, %,d accepted", attempts, accepted.size()), takenWithoutOrder.size(),
				duplicates + " orders", UNITS + " units taken = " + orders + " orders written, no oversell; sold out and"
						+ " drained in " + seconds(end - begin),
				ShopKillIT.class);
	}

	private WorkerProcess start(String id, List<String> args, List<WorkerProcess> incarnations) {
		WorkerProcess shop = WorkerProcess.start(id, this.logDirectory, ShopApplication.class,
				List.of("-XX:TieredStopAtLevel=1"), args);
		this.workers.add(shop);
		incarnations.add(shop);
		shop.awaitEvent("READY", Duration.ofSeconds(60));
		return shop;
	}

	/** Orders per user, read from the database file once no application holds it. */
	private static Map<String, Integer> orders(String database) throws SQLException {
		Map<String, Integer> orders = new HashMap<>();
		try (Connection connection = DriverManager.getConnection(database, "sa", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT user_id, COUNT(*) FROM orders GROUP BY user_id")) {
			while (rows.next()) {
				orders.put(rows.getString(1), rows.getInt(2));
			}
		}
		return orders;
	}

	/** The users whose purchase an application JVM accepted (and printed before it was killed). */
	private static Set<String> accepted(List<WorkerProcess> incarnations) throws IOException {
		Set<String> users = new HashSet<>();
		for (WorkerProcess shop : incarnations) {
			for (String line : Files.readAllLines(shop.logFile())) {
				if (line.startsWith("IT-PURCHASE ")) {
					users.add(line.split(" ")[1]);
				}
			}
		}
		return users;
	}

	private static void deleteTree(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
