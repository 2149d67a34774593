package io.asyncqueue.spring.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.autoconfigure.QueueWorkerCustomizer;
import io.asyncqueue.spring.autoconfigure.observation.AsyncQueueObservationAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trace flows from a push to the job's handler through the job's headers in Redis, with Spring Boot's
 * tracing auto-configuration over Micrometer's test tracer and a W3C {@code traceparent} propagator.
 */
@EmbeddedRedis
class TracingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueObservationAutoConfiguration.class))
		.withUserConfiguration(TracerConfiguration.class)
		.withBean(TracedJob.class)
		.withPropertyValues("async-queue.queue-length-interval=0", "async-queue.defaults.blocking-timeout=1s",
				"async-queue.queues.traced.channel=tracing:traced");

	@Test
	void consumerSpanContinuesProducerTrace() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			TracedJob job = context.getBean(TracedJob.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			PushResult pushed = Observation.createNotStarted("checkout", registry)
				.observe(() -> context.getBean(QueueTemplate.class).push(TracedJob.class, "order-1"));
			SimpleSpan parent = span(tracer, "checkout");
			Seen seen = await().atMost(WAIT).until(() -> job.seen.get(pushed.id()), (value) -> value != null);

			SimpleSpan send = span(tracer, "send traced");
			SimpleSpan process = await().atMost(WAIT).until(() -> findSpan(tracer, "process traced"), (s) -> s != null);
			assertThat(parent.getTraceId()).isNotEmpty();
			assertThat(send.getTraceId()).isEqualTo(parent.getTraceId());
			assertThat(send.getParentId()).isEqualTo(parent.getSpanId());
			assertThat(send.getKind()).isEqualTo(Span.Kind.PRODUCER);
			assertThat(send.getTags()).containsEntry("messaging.system", "async-queue")
				.containsEntry("messaging.destination.name", "traced")
				.containsEntry("messaging.operation.type", "send")
				.containsEntry("asyncqueue.job", "traced-job")
				.containsEntry("messaging.message.id", pushed.id());

			assertThat(seen.traceparent()).isEqualTo("00-" + send.getTraceId() + "-" + send.getSpanId() + "-01");
			assertThat(seen.traceId()).isEqualTo(parent.getTraceId());
			assertThat(process.getTraceId()).isEqualTo(parent.getTraceId());
			assertThat(process.getParentId()).isEqualTo(send.getSpanId());
			assertThat(seen.spanId()).isEqualTo(process.getSpanId());
			assertThat(process.getKind()).isEqualTo(Span.Kind.CONSUMER);
			assertThat(process.getTags()).containsEntry("messaging.operation.type", "process")
				.containsEntry("messaging.message.id", pushed.id())
				.containsEntry("asyncqueue.attempt", "1");
		});
	}

	@Test
	void batchAndAsyncPushesCarryTheTraceToo() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			TracedJob job = context.getBean(TracedJob.class);
			QueueTemplate template = context.getBean(QueueTemplate.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			List<PushResult> batch = Observation.createNotStarted("batch", registry)
				.observe(() -> template.pushAll(TracedJob.class, List.of("a", "b")));
			PushResult async = Observation.createNotStarted("async", registry)
				.observe(() -> template.pushAsync(TracedJob.class, "c").join());
			PushResult keepsOwnHeader = template.push(TracedJob.class, "d", PushOptions.now().header("traceparent",
					"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
			await().atMost(WAIT).until(() -> job.seen.size() >= 4);
			Seen a = job.seen.get(batch.get(0).id());
			Seen b = job.seen.get(batch.get(1).id());
			assertThat(a.traceparent()).isNotNull().isEqualTo(b.traceparent());
			assertThat(job.seen.get(async.id()).traceparent()).isNotNull().isNotEqualTo(a.traceparent());
			assertThat(job.seen.get(keepsOwnHeader.id()).traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
			assertThat(span(tracer, "send traced").getTags()).containsKey("messaging.system");
		});
	}

	@Test
	void observationCanBeTurnedOff() {
		this.runner.withPropertyValues("async-queue.observation.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationJobInterceptor.class);
			assertThat(context).doesNotHaveBean(QueueWorkerCustomizer.class);
			TracedJob job = context.getBean(TracedJob.class);
			PushResult pushed = context.getBean(QueueTemplate.class).push(TracedJob.class, "off");
			Seen seen = await().atMost(WAIT).until(() -> job.seen.get(pushed.id()), (value) -> value != null);
			assertThat(seen.traceparent()).isNull();
			assertThat(context.getBean(SimpleTracer.class).getSpans()).isEmpty();
		});
	}

	@Test
	void nothingIsObservedWithoutAnObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					AsyncQueueAutoConfiguration.class, AsyncQueueObservationAutoConfiguration.class))
			.withPropertyValues("async-queue.consumer.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ObservationRegistry.class);
				assertThat(context).doesNotHaveBean(ObservationJobInterceptor.class);
				assertThat(context).hasSingleBean(QueueTemplate.class);
			});
	}

	private static SimpleSpan span(SimpleTracer tracer, String name) {
		SimpleSpan span = findSpan(tracer, name);
		assertThat(span).as("span '%s' in %s", name, tracer.getSpans()).isNotNull();
		return span;
	}

	private static @Nullable SimpleSpan findSpan(SimpleTracer tracer, String name) {
		return tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).findFirst().orElse(null);
	}

	record Seen(@Nullable String traceparent, @Nullable String traceId, @Nullable String spanId) {
	}

	@QueueJob(queue = "traced", name = "traced-job")
	static class TracedJob implements Job<String> {

		final Map<String, Seen> seen = new ConcurrentHashMap<>();

		private final Tracer tracer;

		TracedJob(Tracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public void handle(String payload, JobContext context) {
			Span current = this.tracer.currentSpan();
			this.seen.put(context.id(), new Seen(context.headers().get("traceparent"),
					(current != null) ? current.context().traceId() : null,
					(current != null) ? current.context().spanId() : null));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TracerConfiguration {

		@Bean
		SimpleTracer simpleTracer() {
			return new TestTracer();
		}

		@Bean
		Propagator traceparentPropagator(SimpleTracer tracer) {
			return new TraceparentPropagator(tracer);
		}

	}

	/** Micrometer's test tracer, with a trace id for root spans too (as real tracers have). */
	static final class TestTracer extends SimpleTracer {

		@Override
		public SimpleSpan nextSpan() {
			SimpleSpan span = super.nextSpan();
			if (span.context().traceId().isEmpty()) {
				span.context().setTraceId(UUID.randomUUID().toString().replace("-", ""));
			}
			return span;
		}

	}

	/** W3C trace context, as far as the test needs it. */
	static final class TraceparentPropagator implements Propagator {

		private final Tracer tracer;

		TraceparentPropagator(Tracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public List<String> fields() {
			return List.of("traceparent");
		}

		@Override
		public <C> void inject(TraceContext context, @Nullable C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String traceparent = getter.get(carrier, "traceparent");
			if (traceparent == null) {
				return this.tracer.spanBuilder();
			}
			String[] parts = traceparent.split("-");
			TraceContext parent = this.tracer.traceContextBuilder()
				.traceId(parts[1])
				.spanId(parts[2])
				.sampled(true)
				.build();
			return this.tracer.spanBuilder().setParent(parent);
		}

	}

}
