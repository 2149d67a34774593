package io.asyncqueue.dashboard;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.scripts.ScheduleScripts;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.asyncqueue.dashboard.DashboardHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dashboard costs Redis with 20 queues, counted by Redis itself ({@code INFO commandstats}, which
 * also counts the commands scripts run): the numbers the module's README reports. Consumers are off and the
 * server is this class's own, so that only this dashboard talks to it (other test classes' applications stay
 * cached and running).
 */
@EmbeddedRedis(isolated = true)
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "async-queue.consumer.enabled=false", "async-queue.queues.q01.concurrency=1",
				"async-queue.queues.q02.concurrency=1", "async-queue.queues.q03.concurrency=1",
				"async-queue.queues.q04.concurrency=1", "async-queue.queues.q05.concurrency=1",
				"async-queue.queues.q06.concurrency=1", "async-queue.queues.q07.concurrency=1",
				"async-queue.queues.q08.concurrency=1", "async-queue.queues.q09.concurrency=1",
				"async-queue.queues.q10.concurrency=1", "async-queue.queues.q11.concurrency=1",
				"async-queue.queues.q12.concurrency=1", "async-queue.queues.q13.concurrency=1",
				"async-queue.queues.q14.concurrency=1", "async-queue.queues.q15.concurrency=1",
				"async-queue.queues.q16.concurrency=1", "async-queue.queues.q17.concurrency=1",
				"async-queue.queues.q18.concurrency=1" })
class DashboardRedisCostTests {

	private static final Pattern CALLS = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);

	private static RedisClient admin;

	private static StatefulRedisConnection<String, String> connection;

	@LocalServerPort
	int port;

	@Autowired
	Queues queues;

	@BeforeAll
	static void connect() {
		admin = RedisClient.create("redis://" + System.getProperty("spring.data.redis.host") + ":"
				+ System.getProperty("spring.data.redis.port"));
		connection = admin.connect();
	}

	@AfterAll
	static void disconnect() {
		connection.close();
		admin.shutdown();
	}

	@Test
	void aPageViewAndAPollCostABoundedNumberOfCommandsPerQueue() throws Exception {
		DashboardHttp http = new DashboardHttp(this.port);
		String operator = basic("operator", "secret");
		// 18 declared here, plus orders and emails from application.properties
		assertThat(http.get("/async-queue/api/snapshot", operator, "application/json").body()).contains("\"q18\"");

		Map<String, Long> pageView = measure(() -> http.get("/async-queue", operator, "text/html"));
		Map<String, Long> poll = measure(() -> http.get("/async-queue/api/snapshot", operator, "application/json"));
		long perPageView = total(pageView);
		long perPoll = total(poll);
		System.out.printf("Redis commands with 20 queues: page view %d %s; poll %d %s; an open page at the default "
				+ "5 s refresh: %d per minute%n", perPageView, pageView, perPoll, poll, 12 * perPoll);
		// per queue: the counts script (EVALSHA and the LLEN, 5 ZCARDs and HGET it runs, the prioritised set's ZCARD
		// and the grouped jobs' count among them), one HMGET of the switches, two HGETALLs of the last hour, and
		// for a page view 24 HMGETs of the last day; once: TIME
		assertThat(perPoll).isEqualTo(20 * (8 + 1 + 2) + 1);
		assertThat(perPageView).isEqualTo(20 * (8 + 1 + 2 + 24) + 1);
	}

	@Test
	void aQueuePageViewReadsItsLimitsAndSchedulesWithABoundedNumberOfCommands() throws Exception {
		// two schedules as instances register them (no scheduler runs here, so nothing else talks to Redis)
		QueueSettings q01 = this.queues.get("q01");
		for (String name : new String[] { "hourly", "nightly" }) {
			connection.sync().sadd(ScheduleScripts.index(q01), name);
			connection.sync().hset(ScheduleScripts.state(q01, name), Map.of("spec", "every 1h", "job-name", "report"));
		}
		DashboardHttp http = new DashboardHttp(this.port);
		String operator = basic("operator", "secret");
		// the first view loads the limits script into Redis (a refused EVALSHA and an EVAL): measure the next
		assertThat(http.get("/async-queue/queues/q01", operator, "text/html").body()).contains("nightly", "hourly");
		Map<String, Long> queuePage = measure(() -> http.get("/async-queue/queues/q01", operator, "text/html"));
		long perQueuePage = total(queuePage);
		System.out.printf("Redis commands of a queue page with 2 schedules: %d %s%n", perQueuePage, queuePage);
		// the queue's row, hour and day as on the overview (35) and TIME; its limits: the limits script (EVALSHA
		// running one HMGET, one ZCARD, and the groups' HLEN and ZCOUNT); its schedules: one SMEMBERS and one
		// HGETALL per schedule
		assertThat(perQueuePage).isEqualTo((8 + 1 + 2 + 24) + 1 + 5 + 1 + 2);
	}

	private static Map<String, Long> measure(Call call) throws Exception {
		connection.sync().configResetstat();
		call.run();
		Map<String, Long> calls = new TreeMap<>();
		Matcher matcher = CALLS.matcher(connection.sync().info("commandstats"));
		while (matcher.find()) {
			String command = matcher.group(1);
			if (!command.startsWith("config") && !command.equals("info")) {
				calls.put(command, Long.parseLong(matcher.group(2)));
			}
		}
		return calls;
	}

	private static long total(Map<String, Long> calls) {
		return calls.values().stream().mapToLong(Long::longValue).sum();
	}

	@FunctionalInterface
	interface Call {

		void run() throws Exception;

	}

}
