package io.asyncqueue.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.asyncqueue.core.QueueOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the starter adds to the sample through the actuator: the {@code asyncqueue} endpoint (read-only by
 * default), the {@code asyncQueue} health indicator, and the {@code asyncqueue.*} meters, in the registry and
 * in {@code /actuator/prometheus}.
 */
@FlashSaleApplicationTest
class ActuatorTest {

	@Autowired
	MeterRegistry meters;

	@Autowired
	QueueOperations operations;

	@Autowired
	JsonMapper json;

	@LocalServerPort
	int port;

	@Test
	void theAsyncqueueEndpointShowsEveryQueueAndIsReadOnly() throws Exception {
		HttpResponse<String> response = get("/actuator/asyncqueue");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode queues = this.json.readTree(response.body()).path("queues");
		JsonNode orders = queues.path("orders");
		assertThat(orders.path("jobs").has("failed")).as(response.body()).isTrue();
		assertThat(orders.path("paused").asBoolean()).isFalse();
		assertThat(orders.path("consumer").path("running").asBoolean()).isTrue();
		assertThat(orders.path("settings").path("concurrency").asInt()).isEqualTo(8);
		assertThat(orders.path("settings").path("maxAttempts").asInt()).isEqualTo(4);
		assertThat(orders.path("settings").path("retryBackoff").asString()).isEqualTo("100ms");
		assertThat(queues.path("limit-queue").path("settings").path("concurrency").asInt()).isEqualTo(1);

		HttpResponse<String> one = get("/actuator/asyncqueue/orders?limit=5");
		assertThat(one.statusCode()).isEqualTo(200);
		JsonNode details = this.json.readTree(one.body());
		assertThat(details.path("failedJobs").isArray()).as(one.body()).isTrue();
		assertThat(details.path("timeoutJobs").isArray()).as(one.body()).isTrue();
		assertThat(get("/actuator/asyncqueue/no-such-queue").statusCode()).isEqualTo(404);

		// Spring Boot's rule for the starter's endpoint: read-only unless
		// management.endpoint.asyncqueue.access=unrestricted
		assertThat(post("/actuator/asyncqueue/orders", "{\"action\":\"pause\"}").statusCode()).isEqualTo(405);
		assertThat(this.operations.isPaused("orders")).isFalse();
	}

	@Test
	void theHealthIncludesTheQueues() throws Exception {
		HttpResponse<String> response = get("/actuator/health/asyncQueue");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode health = this.json.readTree(response.body());
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("queues").path("orders").has("waiting")).as(response.body()).isTrue();
		assertThat(health.path("details").path("queues").path("limit-queue").has("waiting")).isTrue();
	}

	@Test
	void theStarterPublishesTheQueueMeters() throws Exception {
		post("/items/test-bar/reset?stock=3", "");
		assertThat(post("/seckill/test-bar?user=meters-1", "").statusCode()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Counter succeeded = this.meters.find("asyncqueue.jobs")
				.tags("queue", "orders", "job", "create-order", "outcome", "success")
				.counter();
			assertThat(succeeded).isNotNull();
			assertThat(succeeded.count()).isPositive();
		});
		Timer duration = this.meters.find("asyncqueue.job.duration")
			.tags("queue", "orders", "job", "create-order", "outcome", "success")
			.timer();
		assertThat(duration).isNotNull();
		assertThat(duration.count()).isPositive();
		Timer wait = this.meters.find("asyncqueue.job.wait").tags("queue", "orders", "job", "create-order").timer();
		assertThat(wait).isNotNull();
		assertThat(wait.count()).isPositive();
		for (String queue : new String[] { "orders", "limit-queue" }) {
			assertThat(this.meters.find("asyncqueue.queue.jobs").tag("queue", queue).gauges()).as(queue).hasSize(5);
		}
		// read every async-queue.metrics.queue-depth-interval (5s); NaN until the first read
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Gauge failed = this.meters.find("asyncqueue.queue.jobs").tags("queue", "orders", "state", "failed").gauge();
			assertThat(failed).isNotNull();
			assertThat(failed.value()).isNotNaN();
		});
		// the starter's gauge replaced the sample's own
		assertThat(this.meters.find("sample.queue.jobs").meters()).isEmpty();

		HttpResponse<String> prometheus = get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body())
			.contains("asyncqueue_jobs_total{job=\"create-order\",outcome=\"success\",queue=\"orders\"}",
					"asyncqueue_job_duration_seconds_count{job=\"create-order\",outcome=\"success\",queue=\"orders\"}",
					"asyncqueue_job_wait_seconds_count{job=\"create-order\",queue=\"orders\"}",
					"asyncqueue_queue_jobs{queue=\"orders\",state=\"failed\"}",
					"asyncqueue_queue_jobs{queue=\"limit-queue\",state=\"waiting\"}")
			.doesNotContain("sample_queue_jobs");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
