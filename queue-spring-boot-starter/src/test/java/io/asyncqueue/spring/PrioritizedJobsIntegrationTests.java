package io.asyncqueue.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.spring.listener.QueueListener;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job whose {@code @QueueJob(priority = ...)} (or {@code @QueueListener(priority = ...)}) declares a priority,
 * against a real Redis: pushed without options of their own, its jobs run before the plain ones already waiting.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = PrioritizedJobsIntegrationTests.App.class,
		properties = { "async-queue.defaults.blocking-timeout=1s", "async-queue.queues.support.concurrency=1",
				"async-queue.queues.support.auto-startup=false" })
class PrioritizedJobsIntegrationTests {

	private static final List<String> ran = new CopyOnWriteArrayList<>();

	@Autowired
	private QueueTemplate queueTemplate;

	@Autowired
	private QueueContainerRegistry containers;

	@Test
	void jobsOfADeclaredPriorityRunBeforeThePlainOnesWaiting() {
		for (int n = 0; n < 3; n++) {
			this.queueTemplate.push(PlainTicket.class, "plain-" + n);
		}
		this.queueTemplate.push(UrgentTicket.class, "urgent");
		this.queueTemplate.push("escalation", "escalated");
		this.queueTemplate.push(UrgentTicket.class, "lowered", PushOptions.priority(1));
		this.containers.getContainer("support").start();
		await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 6);
		assertThat(ran).as("highest priority first; the push's own priority wins over the job's")
			.containsExactly("escalated", "urgent", "lowered", "plain-0", "plain-1", "plain-2");
	}

	@QueueJob(queue = "support")
	static class PlainTicket implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
			ran.add(payload);
		}

	}

	@QueueJob(queue = "support", priority = 500)
	static class UrgentTicket implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
			ran.add(payload);
		}

	}

	static class Escalations {

		@QueueListener(queue = "support", name = "escalation", priority = 900)
		void on(String payload) {
			ran.add(payload);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ PlainTicket.class, UrgentTicket.class, Escalations.class })
	static class App {

	}

}
