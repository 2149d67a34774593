package io.asyncqueue.dashboard;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.asyncqueue.dashboard.DashboardHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dashboard without writes enabled shows no actions and refuses them, even with a valid CSRF token; a
 * user without its role sees nothing.
 */
@EmbeddedRedis
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "async-queue.dashboard.writes-enabled=false", "async-queue.dashboard.role=QUEUE_VIEWER",
				"spring.security.user.roles=QUEUE_VIEWER", DashboardTestSupport.SCHEDULE + ".cron=0 0 3 1 1 *",
				DashboardTestSupport.SCHEDULE + ".job=create-order", DashboardTestSupport.SCHEDULE + ".payload=\"report\"" })
class ReadOnlyDashboardTests {

	private static final String VIEWER = basic("operator", "secret");

	@LocalServerPort
	int port;

	@Autowired
	QueueOperations operations;

	@Autowired
	ScheduleOperations schedules;

	@Test
	void aReadOnlyDashboardShowsNoActionsAndRefusesThem() throws Exception {
		DashboardHttp http = new DashboardHttp(this.port);
		HttpResponse<String> page = http.get("/async-queue/queues/orders", VIEWER, "text/html");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("read-only").doesNotContain("toggle-pause");
		String token = http.csrfToken(VIEWER);
		assertThat(http.post("/async-queue/queues/orders/pause", VIEWER, token).statusCode()).isEqualTo(403);
		assertThat(this.operations.isPaused("orders")).isFalse();
	}

	@Test
	void aReadOnlyDashboardShowsSchedulesAndLimitsWithoutTheirActionsAndRefusesThem() throws Exception {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.schedules.schedule("orders", "yearly-report") != null);
		DashboardHttp http = new DashboardHttp(this.port);
		String page = http.get("/async-queue/queues/orders", VIEWER, "text/html").body();
		assertThat(page).contains("yearly-report", "global-concurrency")
			.doesNotContain("trigger-schedule", "limits-form");
		String token = http.csrfToken(VIEWER);
		long triggered = this.schedules.schedule("orders", "yearly-report").triggered();
		assertThat(http.post("/async-queue/queues/orders/schedules/yearly-report/trigger", VIEWER, token).statusCode())
			.isEqualTo(403);
		assertThat(http.post("/async-queue/queues/orders/schedules/yearly-report/pause", VIEWER, token).statusCode())
			.isEqualTo(403);
		assertThat(http.post("/async-queue/queues/orders/limits", VIEWER, token + "&global-concurrency=1").statusCode())
			.isEqualTo(403);
		ScheduleState state = this.schedules.schedule("orders", "yearly-report");
		assertThat(state.paused()).isFalse();
		assertThat(state.triggerPending()).isFalse();
		assertThat(state.triggered()).isEqualTo(triggered);
		assertThat(this.operations.limits("orders").globalConcurrencySetAtRunTime()).isFalse();
	}

}
