package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class ControlTest extends RedisTestSupport {

	@Test
	void pausedQueueIsNotConsumedByAnyInstanceUntilResumed() throws Exception {
		QueueSettings settings = settings().build();
		QueueOperations operations = operations(settings);
		List<Integer> handled = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(n)));
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(n)));
		client(settings).push(this.queue, "n", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
		assertThat(operations.pause(this.queue)).isTrue();
		assertThat(operations.isPaused(this.queue)).isTrue();
		for (int i = 0; i < 5; i++) {
			client(settings).push(this.queue, "n", i);
		}
		Thread.sleep(1000);
		assertThat(handled).hasSize(1);
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(5);
		assertThat(operations.resume(this.queue)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 6);
		assertThat(operations.isPaused(this.queue)).isFalse();
	}

	@Test
	void closedQueueRefusesPushesLoudlyAndWritesNothing() {
		QueueSettings settings = settings().build();
		QueueOperations operations = operations(settings);
		QueueClient client = client(settings);
		assertThat(operations.closePushes(this.queue)).isTrue();
		assertThat(operations.arePushesClosed(this.queue)).isTrue();
		assertThatExceptionOfType(QueueClosedException.class)
			.isThrownBy(() -> client.pushAll(this.queue, List.of(PushRequest.of("n", 1), PushRequest.of("n", 2))))
			.withMessageContaining("closed for pushes");
		assertThat(operations.counts(this.queue).waiting()).isZero();
		assertThat(redisCommands().hlen(keys(settings).jobs())).isZero();
		assertThat(operations.openPushes(this.queue)).isTrue();
		assertThat(client.push(this.queue, "n", 3).created()).isTrue();
	}

	@Test
	void interceptorsWrapTheHandlerOnItsThreadInOrder() {
		QueueSettings settings = settings().maxAttempts(1).build();
		List<String> trail = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).interceptor((job, invocation) -> {
			trail.add("outer-before:" + job.headers().get("trace"));
			invocation.proceed();
			trail.add("outer-after");
		}).interceptor((job, invocation) -> {
			trail.add("inner-before");
			invocation.proceed();
			trail.add("inner-after");
		}).job("n", Integer.class, (n, context) -> trail.add("handler")));
		client(settings).push(this.queue, "n", 1, PushOptions.now().header("trace", "t-1"));
		await().atMost(Duration.ofSeconds(10)).until(() -> trail.size() == 5);
		assertThat(trail).containsExactly("outer-before:t-1", "inner-before", "handler", "inner-after", "outer-after");
	}

	@Test
	void interceptorFailureFailsTheAttempt() {
		QueueSettings settings = settings().maxAttempts(1).build();
		start(QueueWorker.builder(settings, redis).interceptor((job, invocation) -> {
			throw new IllegalStateException("no transaction");
		}).job("n", Integer.class, (n, context) -> {
		}));
		client(settings).push(this.queue, "n", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(operations(settings).failedJobs(this.queue, 0, 1).get(0).reason()).contains("no transaction");
	}

}
