package io.asyncqueue.dashboard;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.FailedJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import static io.asyncqueue.dashboard.DashboardHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The parked-jobs page filters by job name and error, and its actions retry or delete the selected jobs or
 * all of them.
 */
class DashboardActionsTests extends DashboardTestSupport {

	private static final String OPERATOR = basic("operator", "secret");

	@AfterEach
	void heal() {
		this.recorder.broken.set(false);
	}

	@Test
	void parkedJobsAreFilteredAndRetriedOrDeletedBySelectionOrAll() throws Exception {
		this.recorder.broken.set(true);
		List<String> ids = List.of(push("apple"), push("banana"), push("cherry"), push("damson"));
		// other test classes share the application (and its Redis): look at these jobs only
		await().atMost(Duration.ofSeconds(20)).until(() -> failedIds().containsAll(ids));
		DashboardHttp http = new DashboardHttp(this.port);

		String filtered = http.get("/async-queue/queues/orders/failed?error=banana", OPERATOR, "text/html").body();
		assertThat(filtered).contains(ids.get(1)).doesNotContain(ids.get(0), ids.get(2), ids.get(3));
		assertThat(http.get("/async-queue/queues/orders/failed?job=no-such-job", OPERATOR, "text/html").body())
			.contains("No jobs.");

		this.recorder.broken.set(false);
		String token = http.csrfToken(OPERATOR);
		HttpResponse<String> retried = http.post("/async-queue/queues/orders/failed/retry", OPERATOR,
				token + "&id=" + ids.get(0) + "&id=" + ids.get(1));
		assertThat(retried.statusCode()).isEqualTo(303);
		assertThat(retried.headers().firstValue("Location")).hasValue("/async-queue/queues/orders/failed");
		// what was done is shown on the page the action returns to, once
		assertThat(http.get("/async-queue/queues/orders/failed", OPERATOR, "text/html").body())
			.contains("<p class=\"done\" id=\"done\">2 moved back to waiting</p>");
		assertThat(http.get("/async-queue/queues/orders/failed", OPERATOR, "text/html").body()).doesNotContain("id=\"done\"");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.recorder.handled.containsAll(ids.subList(0, 2)));
		assertThat(failedIds()).contains(ids.get(2), ids.get(3)).doesNotContain(ids.get(0), ids.get(1));

		assertThat(http.post("/async-queue/queues/orders/failed/delete", OPERATOR, token + "&all=true").statusCode())
			.isEqualTo(303);
		assertThat(this.operations.counts("orders").failed()).isZero();
		assertThat(this.recorder.handled).doesNotContain(ids.get(2), ids.get(3));
	}

	@Test
	void aLinkCannotMakeThePageSayAnActionWasDone() throws Exception {
		DashboardHttp http = new DashboardHttp(this.port);
		String crafted = "/async-queue/queues/orders?done=" + java.net.URLEncoder.encode("All jobs deleted, call 555-0100",
				java.nio.charset.StandardCharsets.UTF_8);

		String page = http.get(crafted, OPERATOR, "text/html").body();

		assertThat(page).contains("orders").doesNotContain("All jobs deleted").doesNotContain("id=\"done\"");
	}

	private List<String> failedIds() {
		return this.operations.failedJobs("orders", 0, 1000).stream().map(FailedJob::id).toList();
	}

}
