package io.asyncqueue.dashboard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small application with the dashboard: an {@code orders} job that records what it ran and fails while
 * told to (or when its payload says so), and a page of the application's own outside the dashboard (both
 * registered as member classes of this configuration).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class DashboardTestApplication {

	@Bean
	Recorder recorder() {
		return new Recorder();
	}

	/** What the job ran, and whether it should fail. */
	static class Recorder {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicBoolean broken = new AtomicBoolean();

	}

	@QueueJob(queue = "orders", name = "create-order")
	static class OrderJob implements Job<String> {

		private final Recorder recorder;

		OrderJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(String order, JobContext context) {
			if (this.recorder.broken.get() || order.startsWith("fail")) {
				throw new IllegalStateException("Could not create order " + order);
			}
			this.recorder.handled.add(context.id());
		}

	}

	@RestController
	static class OwnPage {

		@GetMapping("/own")
		String own() {
			return "the application's own page";
		}

	}

}
