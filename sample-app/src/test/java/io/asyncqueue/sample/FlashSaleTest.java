package io.asyncqueue.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.sample.demo.LoadDriver;
import io.asyncqueue.sample.demo.LoadReport;
import io.asyncqueue.sample.demo.LoadReport.Answer;
import io.asyncqueue.sample.flashsale.Catalog;
import io.asyncqueue.sample.flashsale.Order;
import io.asyncqueue.sample.flashsale.Orders;
import io.asyncqueue.sample.flashsale.SeckillKeys;
import io.asyncqueue.sample.flashsale.StockReconciliationJob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample on real parts: a real redis-server (queue-test), H2, the HTTP API on a random port, and the
 * load driver firing at it.
 */
@FlashSaleApplicationTest
class FlashSaleTest {

	@Autowired
	LoadDriver driver;

	@Autowired
	Orders orders;

	@Autowired
	Catalog catalog;

	@Autowired
	QueueOperations operations;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	SeckillKeys keys;

	@Autowired
	MeterRegistry meters;

	@Autowired
	ScheduleOperations schedules;

	@Autowired
	StockReconciliationJob reconciliation;

	@LocalServerPort
	int port;

	@Test
	void theStockReconciliationRunsOnItsScheduleOrOnDemandAndFindsAnOrderForEveryUnitTaken() throws Exception {
		post("/items/test-bar/reset?stock=3");
		assertThat(post("/seckill/test-bar?user=reconciled-1").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.orders.count("test-bar", Order.SECKILL) == 1);
		Instant asked = Instant.now();
		assertThat(this.schedules.trigger("reports", "stock-reconciliation")).isTrue();
		StockReconciliationJob.Report report = await().atMost(Duration.ofSeconds(20))
			.until(this.reconciliation::lastReport, (last) -> last.at().isAfter(asked));
		assertThat(report.items()).containsEntry("test-bar", new StockReconciliationJob.Line(1, 1, 0));
		assertThat(this.schedules.schedule("reports", "stock-reconciliation").spec()).isEqualTo("every 30s");
	}

	@Test
	void theFlashSaleSellsExactlyItsStockOncePerUser() throws Exception {
		LoadReport report = this.driver.run(demo("seckill", 50, 500, 200));
		System.out.println(report.render());

		assertThat(report.checks()).allSatisfy((check) -> assertThat(check.kept()).as(check.detail()).isTrue());
		assertThat(report.answered(Answer.QUEUED)).isEqualTo(50);
		assertThat(report.answered(Answer.ERROR)).isZero();
		assertThat(report.answered(Answer.SOLD_OUT)).isPositive();

		List<Order> created = this.orders.findByItem("dove-200g", 1000);
		assertThat(created).hasSize(50).allSatisfy((order) -> assertThat(order.channel()).isEqualTo(Order.SECKILL));
		assertThat(new HashSet<>(created.stream().map(Order::userId).toList())).hasSize(50);
		assertThat(new HashSet<>(created.stream().map(Order::jobId).toList())).hasSize(50);
		assertThat(this.catalog.stockLeft("dove-200g")).isZero();
		// every unit was handed out once: the stock left reported by the queued answers is 49, 48, ... 0
		assertThat(report.queuedStockLeft()).doesNotHaveDuplicates().allSatisfy((left) -> assertThat(left).isBetween(0L, 49L));

		// the simulated crashes after the insert were retried, and the retries wrote nothing
		assertThat(report.activity().retries()).isPositive().isEqualTo(report.repeatedExecutions());
		assertThat(created).anySatisfy((order) -> assertThat(order.attempt()).isEqualTo(1));
	}

	@Test
	void theSerialLimitQueueSellsExactlyItsStockWhileItRunsOneJobAtATime() throws Exception {
		LoadReport report = this.driver.run(demo("limit-queue", 10, 100, 50));
		System.out.println(report.render());

		assertThat(report.checks()).allSatisfy((check) -> assertThat(check.kept()).as(check.detail()).isTrue());
		assertThat(report.orders()).isEqualTo(10);
		assertThat(report.stockLeft()).isZero();
		assertThat(this.orders.usersWithSeveralOrders("dove-200g")).isEmpty();
	}

	@Test
	void theApiAnswersEachOutcomeWithItsStatus() throws Exception {
		post("/items/test-bar/reset?stock=1");
		assertThat(post("/seckill/test-bar?user=api-1")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(202);
			assertThat(response.body()).contains("\"status\":\"queued\"", "\"jobId\":", "\"stockLeft\":0");
		});
		assertThat(post("/seckill/test-bar?user=api-1")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(response.body()).contains("\"status\":\"already_bought\"");
		});
		assertThat(post("/seckill/test-bar?user=api-1")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(429);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		});
		assertThat(post("/seckill/test-bar?user=api-2").statusCode()).isEqualTo(410);
		assertThat(post("/seckill/no-such-item?user=api-3").statusCode()).isEqualTo(404);
		assertThat(post("/seckill/test-bar?user=not%20valid").statusCode()).isEqualTo(400);

		await().atMost(Duration.ofSeconds(20)).until(() -> this.orders.count("test-bar", Order.SECKILL) == 1);
		assertThat(get("/items/test-bar").body()).contains("\"seckill\":{\"stockLeft\":0,\"orders\":1}");
		assertThat(get("/items/test-bar/orders").body()).contains("\"userId\":\"api-1\"");
	}

	@Test
	void anOrderThatKeepsFailingIsRetriedThenParkedInFailed() throws Exception {
		post("/items/test-bar/reset?stock=3");
		HttpResponse<String> response = post("/seckill/test-bar?user=fail-test");
		assertThat(response.statusCode()).isEqualTo(202);
		String jobId = response.body().replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1");

		FailedJob failed = await().atMost(Duration.ofSeconds(20))
			.until(() -> this.operations.failedJobs("orders", 0, 100)
				.stream()
				.filter((job) -> job.id().equals(jobId))
				.findFirst()
				.orElse(null), (job) -> job != null);
		assertThat(failed.attempts()).isEqualTo(4);
		assertThat(failed.reason()).contains("Simulated: the order service refuses user fail-test");
		assertThat(this.orders.count("test-bar", Order.SECKILL)).isZero();
		// the unit stays reserved for the failed job: the sale undersells, it never oversells
		assertThat(this.catalog.stockLeft("test-bar")).isEqualTo(2);
	}

	@Test
	void aFlushedRedisIsRefilledFromTheDatabase() throws Exception {
		post("/items/test-bar/reset?stock=3");
		assertThat(post("/seckill/test-bar?user=flush-1").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.orders.count("test-bar", Order.SECKILL) == 1);

		this.redis.delete(List.of(this.keys.stock("test-bar"), this.keys.buyers("test-bar")));

		// the stock (3) minus the orders written (1), and the buyers, come back from the database
		assertThat(post("/seckill/test-bar?user=flush-1")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(response.body()).contains("\"stockLeft\":2");
		});
		assertThat(post("/seckill/test-bar?user=flush-2").statusCode()).isEqualTo(202);
		assertThat(this.catalog.stockLeft("test-bar")).isEqualTo(1);
	}

	@Test
	void theGateAndTheOrderJobLandTogetherInTheQueuesSlot() throws Exception {
		post("/items/test-bar/reset?stock=2");
		assertThat(this.keys.stock("test-bar")).isEqualTo("{async-queue:orders}:guard:seckill:test-bar:stock");
		HttpResponse<String> response = post("/seckill/test-bar?user=slot-1");
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(this.redis.opsForSet().isMember(this.keys.buyers("test-bar"), "slot-1")).isTrue();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.orders.count("test-bar", Order.SECKILL) == 1);
	}

	@Test
	void aUserWhoBoughtThroughTheLimitQueueIsRefusedByTheFlashSale() throws Exception {
		post("/items/test-bar/reset?stock=3");
		assertThat(post("/limit-queue/test-bar?user=both-1").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.orders.count("test-bar", Order.LIMIT_QUEUE) == 1);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Boolean.TRUE.equals(this.redis.opsForSet().isMember(this.keys.buyers("test-bar"), "both-1")));
		assertThat(post("/seckill/test-bar?user=both-1")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(response.body()).contains("\"status\":\"already_bought\"");
		});
		assertThat(this.catalog.stockLeft("test-bar")).isEqualTo(3);
	}

	@Test
	void aUnitWhoseOrderCanNeverBeWrittenIsGivenBackOnce() throws Exception {
		post("/items/test-bar/reset?stock=2");
		// the user's limit-queue order landed after the gate let them in: the flash sale's order job finds it
		this.orders.createOnce("limit-job-race-1", 1, Order.LIMIT_QUEUE, "test-bar", "race-1",
				new java.math.BigDecimal("1.00"), java.time.Instant.now());
		assertThat(post("/seckill/test-bar?user=race-1").statusCode()).isEqualTo(202);
		assertThat(this.catalog.stockLeft("test-bar")).isLessThanOrEqualTo(2);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.catalog.stockLeft("test-bar") == 2);
		assertThat(this.redis.opsForSet().size(this.keys.givenBack("test-bar"))).isEqualTo(1);
		assertThat(this.orders.count("test-bar", Order.SECKILL)).isZero();
	}

	@Test
	void theLastUnitQueuesOneSoldOutNoticeAndEveryOrderAReceipt() throws Exception {
		double soldOut = notices("sold-out");
		double receipts = notices("receipt");
		post("/items/test-bar/reset?stock=2");
		assertThat(post("/seckill/test-bar?user=notice-1").statusCode()).isEqualTo(202);
		assertThat(post("/seckill/test-bar?user=notice-2").statusCode()).isEqualTo(202);
		assertThat(post("/seckill/test-bar?user=notice-3").statusCode()).isEqualTo(410);
		await().atMost(Duration.ofSeconds(20)).until(() -> notices("receipt") == receipts + 2);
		await().atMost(Duration.ofSeconds(20)).until(() -> notices("sold-out") == soldOut + 1);
	}

	private double notices(String kind) {
		Counter counter = this.meters.find("sample.notices").tags("kind", kind, "item", "test-bar").counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void aResetStartsAFreshSaleWithoutThePreviousSalesParkedJobs() throws Exception {
		post("/items/test-bar/reset?stock=3");
		String jobId = post("/seckill/test-bar?user=fail-reset").body().replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.operations.failedJobs("orders", 0, 1000).stream().anyMatch((job) -> job.id().equals(jobId)));

		assertThat(post("/items/test-bar/reset?stock=7").body()).contains("\"stock\":7",
				"\"seckill\":{\"stockLeft\":7,\"orders\":0}");
		assertThat(this.operations.failedJobs("orders", 0, 1000)).noneMatch((job) -> job.id().equals(jobId));
		assertThat(get("/items/test-bar").body()).contains("\"stock\":7");
	}

	private static SampleProperties.Demo demo(String path, int stock, int attempts, int users) {
		return new SampleProperties.Demo(false, path, "dove-200g", stock, attempts, users, 16, 0,
				Duration.ofSeconds(30), false);
	}

	private HttpResponse<String> post(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
