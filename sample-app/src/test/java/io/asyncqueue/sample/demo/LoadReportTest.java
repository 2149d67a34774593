package io.asyncqueue.sample.demo;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.asyncqueue.sample.demo.LoadReport.Answer;
import io.asyncqueue.sample.flashsale.Item;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report's checks catch what they are there for (the demo on real parts never breaks them, so they are
 * fed broken numbers here).
 */
class LoadReportTest {

	@Test
	void anHonestFlashSalePasses() {
		assertThat(seckill(100, 0, 100, List.of()).passed()).isTrue();
	}

	@Test
	void moreOrdersThanStockIsAnOversell() {
		LoadReport report = seckill(101, 0, 101, List.of());
		assertThat(report.passed()).isFalse();
		assertThat(report.checks()).filteredOn((check) -> !check.kept())
			.extracting(LoadReport.Check::name)
			.contains("no oversell");
	}

	@Test
	void aStockBelowZeroIsCaught() {
		LoadReport report = seckill(100, -1, 100, List.of());
		assertThat(report.checks()).filteredOn((check) -> !check.kept())
			.extracting(LoadReport.Check::name)
			.contains("no oversell", "stock never below zero");
	}

	@Test
	void aUserWithTwoOrdersIsADuplicate() {
		LoadReport report = seckill(100, 0, 100, List.of("user-0042"));
		assertThat(report.checks()).filteredOn((check) -> !check.kept())
			.extracting(LoadReport.Check::name)
			.containsExactly("no duplicate order");
	}

	@Test
	void aQueuedPurchaseWithoutOrderIsLost() {
		LoadReport report = seckill(99, 0, 100, List.of());
		assertThat(report.checks()).filteredOn((check) -> !check.kept())
			.extracting(LoadReport.Check::name)
			.containsExactly("nothing lost");
	}

	@Test
	void aLostDecrementInTheLimitQueueIsAnOversell() {
		LoadReport.Builder builder = builder("limit-queue", 100, 1000);
		builder.orders = 100;
		builder.stockLeft = 3; // 100 orders written, yet 3 left: 3 decrements were overwritten
		builder.orderOutcomes = Map.of("created", 100.0, "sold_out", 900.0);
		LoadReport report = builder.build();
		assertThat(report.passed()).isFalse();
		assertThat(report.checks().get(0).detail()).contains("3 decrements lost");
		assertThat(report.render()).contains("✘ BROKEN", "FAIL");
	}

	private static LoadReport seckill(long orders, long stockLeft, long queued, List<String> usersWithTwoOrders) {
		LoadReport.Builder builder = builder("seckill", 100, queued);
		builder.orders = orders;
		builder.stockLeft = stockLeft;
		builder.queuedStockLeft = java.util.stream.LongStream.range(0, queued).map((i) -> 99 - i).boxed().toList();
		builder.usersWithSeveralOrders = usersWithTwoOrders;
		return builder.build();
	}

	private static LoadReport.Builder builder(String path, int stock, long queued) {
		LoadReport.Builder builder = new LoadReport.Builder();
		builder.path = path;
		builder.queue = "orders";
		builder.item = new Item("dove-200g", "德芙巧克力(200g)", new BigDecimal("19.90"), stock);
		builder.stock = stock;
		builder.attempts = 5000;
		builder.users = 1000;
		builder.concurrency = 64;
		builder.answers = Map.of(Answer.QUEUED, queued);
		builder.errors = List.of();
		builder.drained = true;
		builder.httpLatencyNanos = new long[] { 1_000_000 };
		builder.queuedStockLeft = List.of();
		builder.orderLatencyMillis = new long[] { 5 };
		builder.usersWithSeveralOrders = List.of();
		builder.jobsWithSeveralOrders = List.of();
		builder.activity = new QueueActivity.Snapshot(queued, 0, 0);
		builder.orderOutcomes = Map.of("created", (double) queued);
		builder.failedJobs = List.of();
		return builder;
	}

}
