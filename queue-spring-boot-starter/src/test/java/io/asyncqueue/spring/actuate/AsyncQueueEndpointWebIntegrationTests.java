package io.asyncqueue.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClosedException;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code asyncqueue} endpoint and the {@code asyncQueue} health indicator over real HTTP, in two
 * instances of an application sharing one real Redis: an operator instance whose endpoint is writable,
 * and a second instance that consumes {@code orders} and keeps the default, read-only access.
 */
@EmbeddedRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncQueueEndpointWebIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext operator;

	private ConfigurableApplicationContext consumer;

	@BeforeAll
	void startApplications() {
		List<String> shared = List.of("server.port=0", "spring.main.banner-mode=off",
				"async-queue.queue-length-interval=0", "async-queue.defaults.blocking-timeout=1s",
				"async-queue.queues.orders.channel=web:orders", "management.endpoints.web.exposure.include=asyncqueue,health",
				"management.endpoint.health.show-details=always");
		List<String> operator = new ArrayList<>(shared);
		operator.addAll(List.of("management.endpoint.asyncqueue.access=unrestricted",
				"async-queue.defaults.max-attempts=1", "async-queue.queues.reads.channel=web:reads",
				"async-queue.queues.reads.retry-backoff=1s,5s", "async-queue.queues.ops.channel=web:ops",
				"async-queue.queues.health.channel=web:health", "management.health.asyncqueue.queues.health.max-failed=1",
				"management.health.asyncqueue.threshold-status=out-of-service"));
		this.operator = run(OperatorApp.class, operator);
		this.consumer = run(ConsumerApp.class, shared);
	}

	@AfterAll
	void stopApplications() {
		if (this.consumer != null) {
			this.consumer.close();
		}
		if (this.operator != null) {
			this.operator.close();
		}
	}

	@Test
	void readsEveryQueue() throws Exception {
		Response response = get(this.operator, "/actuator/asyncqueue");
		assertThat(response.status()).isEqualTo(200);
		JsonNode queues = response.body().path("queues");
		assertThat(queues.propertyNames()).containsExactlyInAnyOrder("orders", "reads", "ops", "health");
		JsonNode reads = queues.path("reads");
		assertThat(reads.path("jobs").propertyNames()).containsExactly("waiting", "delayed", "reserved", "failed",
				"timeout");
		assertThat(reads.path("paused").asBoolean(true)).isFalse();
		assertThat(reads.path("pushesClosed").asBoolean(true)).isFalse();
		assertThat(reads.path("consumer").path("running").asBoolean()).isTrue();
		assertThat(reads.path("consumer").path("activeJobs").isInt()).isTrue();
		// left unset, the prefetch adapts from the default (the concurrency), never below it
		assertThat(reads.path("consumer").path("prefetch").asInt()).isGreaterThanOrEqualTo(10);
		JsonNode settings = reads.path("settings");
		assertThat(settings.path("channel").asString()).isEqualTo("web:reads");
		assertThat(settings.path("maxAttempts").asInt()).isEqualTo(1);
		assertThat(settings.path("concurrency").asInt()).isEqualTo(10);
		assertThat(settings.path("handleTimeout").asString()).isEqualTo("10s");
		assertThat(settings.path("leaseDuration").asString()).isEqualTo("30s");
		assertThat(settings.path("retryBackoff").asString()).isEqualTo("[1s, 5s]");
		assertThat(settings.path("stalledJobAction").asString()).isEqualTo("recover");
		assertThat(queues.path("orders").has("consumer")).as("the operator does not consume orders").isFalse();

		JsonNode onConsumer = get(this.consumer, "/actuator/asyncqueue").body().path("queues");
		assertThat(onConsumer.propertyNames()).containsExactly("orders");
		assertThat(onConsumer.path("orders").path("consumer").path("running").asBoolean()).isTrue();
	}

	@Test
	void readsOneQueueWithItsNewestFailedJobs() throws Exception {
		QueueTemplate template = this.operator.getBean(QueueTemplate.class);
		PushResult first = template.push(OpsJob.class, "fail-1");
		awaitCounts("reads", 0, 1);
		PushResult second = template.push(OpsJob.class, "fail-2");
		awaitCounts("reads", 0, 2);

		Response response = get(this.operator, "/actuator/asyncqueue/reads?limit=1");
		assertThat(response.status()).isEqualTo(200);
		JsonNode queue = response.body();
		assertThat(queue.path("jobs").path("failed").asLong()).isEqualTo(2);
		assertThat(queue.path("settings").path("channel").asString()).isEqualTo("web:reads");
		assertThat(queue.path("failedJobs")).hasSize(1);
		JsonNode newest = queue.path("failedJobs").get(0);
		assertThat(newest.propertyNames()).containsExactly("id", "job", "attempts", "reason", "exception", "failedAt");
		assertThat(newest.path("id").asString()).isEqualTo(second.id());
		assertThat(newest.path("job").asString()).isEqualTo("ops-job");
		assertThat(newest.path("attempts").asInt()).isEqualTo(1);
		assertThat(newest.path("reason").asString()).isEqualTo("java.lang.IllegalStateException: boom fail-2");
		assertThat(newest.path("exception").asString()).isEqualTo("java.lang.IllegalStateException");
		assertThat(newest.path("failedAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(queue.path("timeoutJobs").isArray()).isTrue();

		assertThat(get(this.operator, "/actuator/asyncqueue/reads").body().path("failedJobs"))
			.extracting((job) -> job.path("id").asString())
			.containsExactly(second.id(), first.id());
		assertThat(get(this.operator, "/actuator/asyncqueue/nowhere").status()).isEqualTo(404);
	}

	@Test
	void writeOperationsReloadRetryDeleteAndFlushJobs() throws Exception {
		QueueTemplate template = this.operator.getBean(QueueTemplate.class).onQueue("ops");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			ids.add(template.push(OpsJob.class, "fail-ops-" + i).id());
		}
		awaitCounts("ops", 0, 4);
		assertThat(post(this.operator, "ops", "{\"action\":\"pause\"}").body().path("paused").asBoolean()).isTrue();

		JsonNode reloaded = post(this.operator, "ops", "{\"action\":\"reload\",\"state\":\"failed\",\"id\":\"" + ids.get(0) + "\"}")
			.body();
		assertThat(reloaded.path("queue").asString()).isEqualTo("ops");
		assertThat(reloaded.path("action").asString()).isEqualTo("reload");
		assertThat(reloaded.path("state").asString()).isEqualTo("failed");
		assertThat(reloaded.path("id").asString()).isEqualTo(ids.get(0));
		assertThat(reloaded.path("jobs").asLong()).isEqualTo(1);
		assertThat(counts("ops")).isEqualTo(new QueueCounts("ops", 1, 0, 0, 3, 0));

		assertThat(post(this.operator, "ops", "{\"action\":\"retry\",\"id\":\"" + ids.get(1) + "\"}").body().path("jobs")
			.asLong()).isEqualTo(1);
		assertThat(post(this.operator, "ops", "{\"action\":\"retry\",\"id\":\"" + ids.get(1) + "\"}").body().path("jobs")
			.asLong()).as("no longer parked").isZero();
		assertThat(counts("ops")).isEqualTo(new QueueCounts("ops", 2, 0, 0, 2, 0));

		assertThat(post(this.operator, "ops", "{\"action\":\"delete\",\"id\":\"" + ids.get(0) + "\"}").body().path("jobs")
			.asLong()).isEqualTo(1);
		assertThat(counts("ops")).isEqualTo(new QueueCounts("ops", 1, 0, 0, 2, 0));

		assertThat(post(this.operator, "ops", "{\"action\":\"reload\"}").body().path("jobs").asLong()).isEqualTo(2);
		assertThat(counts("ops")).isEqualTo(new QueueCounts("ops", 3, 0, 0, 0, 0));

		JsonNode flushed = post(this.operator, "ops", "{\"action\":\"flush\",\"state\":\"waiting\"}").body();
		assertThat(flushed.path("state").asString()).isEqualTo("waiting");
		assertThat(flushed.path("jobs").asLong()).isEqualTo(3);
		assertThat(counts("ops")).isEqualTo(new QueueCounts("ops", 0, 0, 0, 0, 0));

		JsonNode resumed = post(this.operator, "ops", "{\"action\":\"resume\"}").body();
		assertThat(resumed.propertyNames()).containsExactly("queue", "action", "changed", "paused", "pushesClosed");
		assertThat(resumed.path("changed").asBoolean()).isTrue();
		assertThat(resumed.path("paused").asBoolean(true)).isFalse();
	}

	@Test
	void invalidWriteRequestsAreRejected() throws Exception {
		assertThat(post(this.operator, "ops", "{\"action\":\"explode\"}").status()).isEqualTo(400);
		assertThat(post(this.operator, "ops", "{\"action\":\"retry\"}").status()).isEqualTo(400);
		assertThat(post(this.operator, "ops", "{\"action\":\"flush\",\"state\":\"everything\"}").status()).isEqualTo(400);
		assertThat(post(this.operator, "ops", "{\"action\":\"reload\",\"state\":\"waiting\"}").status()).isEqualTo(400);
		assertThat(post(this.operator, "ops", "{}").status()).isEqualTo(400);
		assertThat(post(this.operator, "nowhere", "{\"action\":\"pause\"}").status()).isEqualTo(400);
	}

	@Test
	void writeOperationsAreNotAvailableWithDefaultAccess() throws Exception {
		assertThat(get(this.consumer, "/actuator/asyncqueue/orders").status()).isEqualTo(200);
		Response response = post(this.consumer, "orders", "{\"action\":\"pause\"}");
		assertThat(response.status()).isIn(404, 405);
		assertThat(this.consumer.getBean(QueueOperations.class).isPaused("orders")).isFalse();
	}

	@Test
	void pauseStopsEveryInstanceAndPushGateRefusesPushes() throws Exception {
		QueueTemplate template = this.operator.getBean(QueueTemplate.class);
		Recorder recorder = this.consumer.getBean(Recorder.class);
		JsonNode paused = post(this.operator, "orders", "{\"action\":\"pause\"}").body();
		assertThat(paused.path("changed").asBoolean()).isTrue();
		assertThat(paused.path("paused").asBoolean()).isTrue();
		assertThat(get(this.consumer, "/actuator/asyncqueue/orders").body().path("paused").asBoolean()).isTrue();

		PushResult whilePaused = template.push(CreateOrderJob.class, new CreateOrder("paused", 1));
		Thread.sleep(1_500);
		assertThat(recorder.handled).noneMatch((handled) -> handled.jobId().equals(whilePaused.id()));
		assertThat(counts("orders").waiting()).isEqualTo(1);
		assertThat(post(this.operator, "orders", "{\"action\":\"pause\"}").body().path("changed").asBoolean(true))
			.isFalse();

		post(this.operator, "orders", "{\"action\":\"resume\"}");
		await().atMost(WAIT).until(() -> recorder.handled.stream().anyMatch((h) -> h.jobId().equals(whilePaused.id())));

		JsonNode closed = post(this.operator, "orders", "{\"action\":\"close-pushes\"}").body();
		assertThat(closed.path("pushesClosed").asBoolean()).isTrue();
		assertThat(closed.path("paused").asBoolean(true)).isFalse();
		assertThatExceptionOfType(QueueClosedException.class)
			.isThrownBy(() -> this.consumer.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("g", 1)))
			.withMessageContaining("closed for pushes");
		assertThat(get(this.operator, "/actuator/asyncqueue").body().path("queues").path("orders").path("pushesClosed")
			.asBoolean()).isTrue();
		post(this.operator, "orders", "{\"action\":\"open-pushes\"}");
		PushResult reopened = template.push(CreateOrderJob.class, new CreateOrder("g", 2));
		await().atMost(WAIT).until(() -> recorder.handled.stream().anyMatch((h) -> h.jobId().equals(reopened.id())));
	}

	@Test
	void limitsSetFromOneInstanceAreStoredInRedisAndShownByEveryInstance() throws Exception {
		JsonNode set = post(this.operator, "orders",
				"{\"action\":\"set-limits\",\"globalConcurrency\":3,\"rateLimitMax\":50,\"rateLimitPeriod\":\"10s\"}")
			.body();
		assertThat(set.path("limits").path("globalConcurrency").asInt()).isEqualTo(3);
		JsonNode onConsumer = get(this.consumer, "/actuator/asyncqueue/orders").body().path("limits");
		assertThat(onConsumer.path("globalConcurrency").asInt()).isEqualTo(3);
		assertThat(onConsumer.path("rateLimitMax").asInt()).isEqualTo(50);
		assertThat(onConsumer.path("rateLimitPeriod").asString()).isEqualTo("10s");
		assertThat(onConsumer.path("running").isNumber()).isTrue();
		assertThat(onConsumer.path("setAtRunTime").valueStream().map(JsonNode::asString))
			.containsExactly("global-concurrency", "rate-limit");
		JsonNode health = get(this.consumer, "/actuator/health/asyncQueue").body().path("details").path("queues")
			.path("orders");
		assertThat(health.path("globalConcurrency").asString()).matches("\\d+ of 3 running");
		assertThat(health.path("rateLimit").asString()).isEqualTo("50 per 10s");
		assertThat(post(this.operator, "orders", "{\"action\":\"set-limits\",\"globalConcurrency\":-1}").status())
			.isEqualTo(400);
		Response negativeRate = post(this.operator, "orders",
				"{\"action\":\"set-limits\",\"globalConcurrency\":5,\"rateLimitMax\":-5}");
		assertThat(negativeRate.status()).as("refused, not read as 'no limit'").isEqualTo(400);
		JsonNode unchanged = get(this.consumer, "/actuator/asyncqueue/orders").body().path("limits");
		assertThat(unchanged.path("globalConcurrency").asInt()).as("a refused change stores nothing").isEqualTo(3);
		assertThat(unchanged.path("rateLimitMax").asInt()).isEqualTo(50);
		assertThat(onConsumer.path("groupConcurrency").asInt()).as("configured").isEqualTo(1);
		post(this.operator, "orders", "{\"action\":\"set-limits\",\"groupConcurrency\":4}");
		JsonNode groups = get(this.consumer, "/actuator/asyncqueue/orders").body().path("limits");
		assertThat(groups.path("groupConcurrency").asInt()).isEqualTo(4);
		assertThat(groups.path("groupsRunning").isNumber()).isTrue();
		assertThat(groups.path("groupsHeldBack").isNumber()).isTrue();
		assertThat(groups.path("setAtRunTime").valueStream().map(JsonNode::asString)).contains("group-concurrency");
		Response zeroGroups = post(this.operator, "orders", "{\"action\":\"set-limits\",\"groupConcurrency\":0}");
		assertThat(zeroGroups.status()).isEqualTo(400);
		JsonNode cleared = post(this.operator, "orders", "{\"action\":\"clear-limits\"}").body().path("limits");
		assertThat(cleared.path("groupConcurrency").asInt()).isEqualTo(1);
		assertThat(cleared.has("globalConcurrency")).as("this instance configures none").isFalse();
		assertThat(cleared.path("setAtRunTime").isEmpty()).isTrue();
		assertThat(get(this.consumer, "/actuator/asyncqueue").body().path("queues").path("orders").path("limits")
			.has("rateLimitMax")).isFalse();
	}

	@Test
	void healthShowsEveryQueueAndTurnsOutOfServicePastAThreshold() throws Exception {
		Response up = get(this.operator, "/actuator/health/asyncQueue");
		assertThat(up.status()).isEqualTo(200);
		assertThat(up.body().path("status").asString()).isEqualTo("UP");
		JsonNode health = up.body().path("details").path("queues").path("health");
		assertThat(health.propertyNames()).contains("waiting", "delayed", "reserved", "failed", "timeout", "paused",
				"pushesClosed", "status");
		assertThat(health.path("status").asString()).isEqualTo("UP");

		QueueTemplate template = this.operator.getBean(QueueTemplate.class);
		PushResult failing = template.onQueue("health").push(OpsJob.class, "fail-health-1");
		template.onQueue("health").push(OpsJob.class, "fail-health-2");
		awaitCounts("health", 0, 2);
		Response down = get(this.operator, "/actuator/health/asyncQueue");
		assertThat(down.status()).isEqualTo(503);
		assertThat(down.body().path("status").asString()).isEqualTo("OUT_OF_SERVICE");
		JsonNode queue = down.body().path("details").path("queues").path("health");
		assertThat(queue.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(queue.path("problems").get(0).asString()).isEqualTo("2 failed jobs, more than 1");
		assertThat(down.body().path("details").path("queues").path("reads").path("status").asString()).isEqualTo("UP");

		post(this.operator, "health", "{\"action\":\"delete\",\"id\":\"" + failing.id() + "\"}");
		assertThat(get(this.operator, "/actuator/health/asyncQueue").body().path("status").asString()).isEqualTo("UP");
	}

	private QueueCounts counts(String queue) {
		return this.operator.getBean(QueueOperations.class).counts(queue);
	}

	private void awaitCounts(String queue, long waiting, long failed) {
		await().atMost(WAIT).untilAsserted(() -> {
			QueueCounts counts = counts(queue);
			assertThat(counts.waiting() + counts.reserved()).isEqualTo(waiting);
			assertThat(counts.failed()).isEqualTo(failed);
		});
	}

	private Response get(ConfigurableApplicationContext app, String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(app, path)).GET().build());
	}

	private Response post(ConfigurableApplicationContext app, String queue, String body)
			throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(app, "/actuator/asyncqueue/" + queue))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private Response send(HttpRequest request) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		String body = response.body();
		JsonNode parsed = (body == null || body.isBlank()) ? this.json.missingNode() : this.json.readTree(body);
		return new Response(response.statusCode(), parsed);
	}

	private static URI uri(ConfigurableApplicationContext app, String path) {
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static ConfigurableApplicationContext run(Class<?> application, List<String> properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.SERVLET)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	record Response(int status, JsonNode body) {
	}

	/** Fails when its payload starts with "fail". */
	@QueueJob(queue = { "reads", "ops", "health" }, name = "ops-job")
	static class OpsJob implements Job<String> {

		final Map<String, String> handled = new ConcurrentHashMap<>();

		@Override
		public void handle(String payload, JobContext context) {
			if (payload.startsWith("fail")) {
				throw new IllegalStateException("boom " + payload);
			}
			this.handled.put(context.id(), payload);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OpsJob.class)
	static class OperatorApp {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Recorder.class, CreateOrderJob.class })
	static class ConsumerApp {

	}

}
