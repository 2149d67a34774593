package io.asyncqueue.dashboard;

import java.net.http.HttpResponse;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.asyncqueue.dashboard.DashboardHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dashboard without writes enabled shows no actions and refuses them, even with a valid CSRF token; a
 * user without its role sees nothing.
 */
@EmbeddedRedis
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "async-queue.dashboard.writes-enabled=false", "async-queue.dashboard.role=QUEUE_VIEWER",
				"spring.security.user.roles=QUEUE_VIEWER" })
class ReadOnlyDashboardTests {

	private static final String VIEWER = basic("operator", "secret");

	@LocalServerPort
	int port;

	@Autowired
	QueueOperations operations;

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

}
