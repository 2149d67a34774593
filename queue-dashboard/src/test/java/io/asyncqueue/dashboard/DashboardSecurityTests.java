package io.asyncqueue.dashboard;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.RateLimit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static io.asyncqueue.dashboard.DashboardHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Security on the classpath the dashboard needs a user with its role, and its POSTs a CSRF token;
 * the rest of the application keeps Spring Boot's own security.
 */
class DashboardSecurityTests extends DashboardTestSupport {

	private static final String OPERATOR = basic("operator", "secret");

	private DashboardHttp http;

	@BeforeEach
	void client() {
		this.http = new DashboardHttp(this.port);
	}

	@AfterEach
	void resume() {
		this.operations.resume("orders");
		this.schedules.resume("orders", "yearly-report");
		this.operations.clearLimits("emails");
	}

	@Test
	void anUnauthenticatedBrowserIsSentToTheSignInPage() throws Exception {
		HttpResponse<String> page = this.http.get("/async-queue", null, "text/html");
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/async-queue/login"));
		assertThat(this.http.get("/async-queue/queues/orders/failed", null, "text/html").statusCode()).isEqualTo(302);
	}

	@Test
	void anUnauthenticatedCallOfTheJsonEndpointIsRefused() throws Exception {
		HttpResponse<String> api = this.http.get("/async-queue/api/snapshot", null, "application/json");
		assertThat(api.statusCode()).isEqualTo(401);
		assertThat(api.body()).doesNotContain("orders");
	}

	@Test
	void wrongCredentialsAreRefused() throws Exception {
		assertThat(this.http.get("/async-queue/api/snapshot", basic("operator", "wrong"), "application/json")
			.statusCode()).isEqualTo(401);
	}

	@Test
	void aSignedInUserWithTheRoleReadsTheDashboard() throws Exception {
		HttpResponse<String> page = this.http.get("/async-queue", OPERATOR, "text/html");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Security-Policy"))
			.hasValueSatisfying((policy) -> assertThat(policy).contains("script-src 'self'"));
		assertThat(page.body()).contains("orders", "emails");
		HttpResponse<String> api = this.http.get("/async-queue/api/snapshot?queue=orders", OPERATOR,
				"application/json");
		assertThat(api.statusCode()).isEqualTo(200);
		assertThat(api.body()).contains("\"name\":\"orders\"").contains("\"hour\":[");
	}

	@Test
	void aPostWithoutCsrfTokenIsRefusedAndChangesNothing() throws Exception {
		assertThat(this.http.post("/async-queue/queues/orders/pause", OPERATOR, "").statusCode()).isEqualTo(403);
		assertThat(this.operations.isPaused("orders")).isFalse();
	}

	@Test
	void aPostWithTheSessionsCsrfTokenActs() throws Exception {
		String token = this.http.csrfToken(OPERATOR);
		HttpResponse<String> pause = this.http.post("/async-queue/queues/orders/pause", OPERATOR, token);
		assertThat(pause.statusCode()).isEqualTo(303);
		assertThat(this.operations.isPaused("orders")).isTrue();
	}

	@Test
	void scheduleAndLimitPostsWithoutCsrfTokenAreRefusedAndChangeNothing() throws Exception {
		assertThat(this.http.post("/async-queue/queues/orders/schedules/yearly-report/pause", OPERATOR, "")
			.statusCode()).isEqualTo(403);
		assertThat(this.schedules.schedule("orders", "yearly-report").paused()).isFalse();
		assertThat(this.http.post("/async-queue/queues/emails/limits", OPERATOR, "global-concurrency=7")
			.statusCode()).isEqualTo(403);
		assertThat(this.operations.limits("emails").globalConcurrencySetAtRunTime()).isFalse();
	}

	@Test
	void scheduleAndLimitPostsWithTheSessionsCsrfTokenAct() throws Exception {
		String token = this.http.csrfToken(OPERATOR);
		HttpResponse<String> pause = this.http.post("/async-queue/queues/orders/schedules/yearly-report/pause",
				OPERATOR, token);
		assertThat(pause.statusCode()).isEqualTo(303);
		assertThat(this.schedules.schedule("orders", "yearly-report").paused()).isTrue();
		HttpResponse<String> limits = this.http.post("/async-queue/queues/emails/limits", OPERATOR,
				token + "&global-concurrency=7&rate-max=20&rate-period=2s&group-concurrency=2");
		assertThat(limits.statusCode()).isEqualTo(303);
		FlowLimits stored = this.operations.limits("emails");
		assertThat(stored.globalConcurrency()).isEqualTo(7);
		assertThat(stored.groupConcurrency()).isEqualTo(2);
		assertThat(stored.groupConcurrencySetAtRunTime()).isTrue();
		assertThat(this.http.post("/async-queue/queues/emails/limits", OPERATOR, token + "&rate-max=30").statusCode())
			.isEqualTo(303);
		assertThat(this.operations.limits("emails").rateLimit()).as("the empty period field keeps the period")
			.isEqualTo(RateLimit.of(30, Duration.ofSeconds(2)));
		assertThat(this.http.post("/async-queue/queues/emails/limits", OPERATOR, token + "&rate-period=5s").statusCode())
			.as("a period without its max").isEqualTo(400);
		assertThat(stored.rateLimit()).isEqualTo(RateLimit.of(20, Duration.ofSeconds(2)));
		assertThat(stored.rateLimitSetAtRunTime()).isTrue();
		assertThat(this.http.post("/async-queue/queues/emails/limits/clear", OPERATOR, token).statusCode())
			.isEqualTo(303);
		assertThat(this.operations.limits("emails").globalConcurrency()).isEqualTo(3);
	}

	@Test
	void anUnknownScheduleOrAnInvalidLimitIsRefusedWithTheReason() throws Exception {
		String token = this.http.csrfToken(OPERATOR);
		assertThat(this.http.post("/async-queue/queues/orders/schedules/no-such/trigger", OPERATOR, token)
			.statusCode()).isEqualTo(404);
		HttpResponse<String> invalid = this.http.post("/async-queue/queues/emails/limits", OPERATOR,
				token + "&global-concurrency=9&rate-max=-2");
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(invalid.body())
			.startsWith("Limits of queue 'emails' not changed: Invalid rate limit: max must be at least 1");
		HttpResponse<String> badPeriod = this.http.post("/async-queue/queues/emails/limits", OPERATOR,
				token + "&rate-max=5&rate-period=2x");
		assertThat(badPeriod.statusCode()).isEqualTo(400);
		HttpResponse<String> noGroups = this.http.post("/async-queue/queues/emails/limits", OPERATOR,
				token + "&global-concurrency=9&group-concurrency=0");
		assertThat(noGroups.statusCode()).isEqualTo(400);
		assertThat(noGroups.body()).contains("Group concurrency must be 1 or more, was 0");
		assertThat(this.operations.limits("emails").globalConcurrencySetAtRunTime())
			.as("a refused form stores none of its values").isFalse();
		assertThat(badPeriod.body()).contains("2x");
		FlowLimits unchanged = this.operations.limits("emails");
		assertThat(unchanged.rateLimitSetAtRunTime()).isFalse();
		assertThat(unchanged.globalConcurrencySetAtRunTime()).isFalse();
	}

	@Test
	void theRestOfTheApplicationKeepsSpringBootsSecurity() throws Exception {
		assertThat(this.http.get("/own", null, "application/json").statusCode()).isEqualTo(401);
		assertThat(this.http.get("/own", OPERATOR, "application/json").body()).isEqualTo("the application's own page");
	}

}
