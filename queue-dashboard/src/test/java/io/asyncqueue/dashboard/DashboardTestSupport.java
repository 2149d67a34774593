package io.asyncqueue.dashboard;

import java.time.Duration;

import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.awaitility.Awaitility.await;

/**
 * The test application on a random port against the shared redis-server, with what the tests push through
 * and look at; classes without properties of their own share one running application. It has a recurring
 * job on {@code orders} that never fires by itself during a test (only when triggered), and configured limits
 * on {@code emails}, which no job of it consumes.
 */
@EmbeddedRedis
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { DashboardTestSupport.SCHEDULE + ".cron=0 0 3 1 1 *",
				DashboardTestSupport.SCHEDULE + ".job=create-order",
				DashboardTestSupport.SCHEDULE + ".payload=\"yearly-report\"",
				"async-queue.queues.emails.global-concurrency=3", "async-queue.queues.emails.rate-limit.max=50" })
abstract class DashboardTestSupport {

	static final String SCHEDULE = "async-queue.schedules.yearly-report";

	@LocalServerPort
	int port;

	@Autowired
	QueueClient client;

	@Autowired
	QueueOperations operations;

	@Autowired
	ScheduleOperations schedules;

	@Autowired
	DashboardTestApplication.Recorder recorder;

	/** The application's scheduler registers the schedule in Redis in the background, soon after the start. */
	@BeforeEach
	void awaitTheSchedule() {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.schedules.schedule("orders", "yearly-report") != null);
	}

	String push(String order) {
		return this.client.push("orders", "create-order", order).id();
	}

}
