package io.asyncqueue.spring;

import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JobMetadata}.
 */
class JobMetadataTests {

	@Test
	void nameDefaultsToTheSimpleClassName() {
		JobMetadata metadata = JobMetadata.of(TestJobs.CreateOrderJob.class);
		assertThat(metadata.name()).isEqualTo("CreateOrderJob");
		assertThat(metadata.queues()).containsExactly("orders");
		assertThat(metadata.queue()).isEqualTo("orders");
		assertThat(metadata.payloadType()).isEqualTo(CreateOrder.class);
		assertThat(metadata.maxAttempts()).isNull();
		assertThat(metadata.handleTimeout()).isNull();
		assertThat(metadata.retryBackoff()).isNull();
	}

	@Test
	void explicitNameAndOverridesAreRead() {
		JobMetadata metadata = JobMetadata.of(Overrides.class);
		assertThat(metadata.name()).isEqualTo("send-mail");
		assertThat(metadata.queues()).containsExactly("mail", "mail-bulk");
		assertThat(metadata.maxAttempts()).isEqualTo(5);
		assertThat(metadata.handleTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(metadata.retryBackoff())
			.isEqualTo(RetryBackoff.schedule(List.of(Duration.ofSeconds(1), Duration.ofMinutes(1))));
		JobDefinition<?> definition = metadata.toDefinition(new Overrides());
		assertThat(definition.name()).isEqualTo("send-mail");
		assertThat(definition.maxAttempts()).isEqualTo(5);
		assertThat(JobMetadata.of(FixedBackoff.class).retryBackoff()).isEqualTo(RetryBackoff.fixed(Duration.ofMillis(500)));
		assertThat(JobMetadata.of(FixedBackoff.class).handleTimeout()).isZero();
	}

	@Test
	void placeholdersAreResolved() {
		Map<String, String> values = Map.of("${mail.queue}", "mail-eu", "${mail.timeout}", "5s");
		JobMetadata metadata = JobMetadata.of(Placeholders.class, (value) -> values.getOrDefault(value, value));
		assertThat(metadata.queue()).isEqualTo("mail-eu");
		assertThat(metadata.handleTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void payloadTypeIsResolvedThroughABaseClassWithNestedGenerics() throws Exception {
		JobMetadata metadata = JobMetadata.of(ConcreteJob.class);
		assertThat(metadata.payloadType()).isInstanceOf(ParameterizedType.class);
		assertThat(metadata.payloadType().getTypeName())
			.isEqualTo("java.util.List<java.util.Map<java.lang.String, " + CreateOrder.class.getName() + ">>");
		JobSerializer serializer = new JobSerializer(JsonMapper.builder().build());
		Object payload = serializer.convert(serializer.mapper().readTree("[{\"a\":{\"user\":\"u\",\"item\":3}}]"),
				metadata.payloadType());
		assertThat(payload).isEqualTo(List.of(Map.of("a", new CreateOrder("u", 3))));
	}

	@Test
	void arrayPayloadIsSupported() {
		assertThat(JobMetadata.of(ArrayJob.class).payloadType()).isEqualTo(CreateOrder[].class);
	}

	@Test
	void proxyStandsForItsUserClass() {
		ProxyFactory factory = new ProxyFactory(new TestJobs.DefaultQueueJob(new TestJobs.Recorder()));
		factory.setProxyTargetClass(true);
		Object proxy = factory.getProxy();
		assertThat(proxy.getClass()).isNotEqualTo(TestJobs.DefaultQueueJob.class);
		JobMetadata metadata = JobMetadata.of(proxy.getClass());
		assertThat(metadata.jobClass()).isEqualTo(TestJobs.DefaultQueueJob.class);
		assertThat(metadata.queue()).isEqualTo("default");
		assertThat(metadata.payloadType()).isEqualTo(String.class);
	}

	@Test
	void unresolvablePayloadTypeIsRejected() {
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(GenericJob.class))
			.withMessageContaining("Cannot tell the payload type of job " + GenericJob.class.getName());
	}

	@Test
	void aGroupThatIsNotAnExpressionIsRejectedNamingTheJob() {
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(BadGroupJob.class))
			.withMessageContaining("@QueueJob on " + BadGroupJob.class.getName() + ": group '#payload.' is not a SpEL expression");
	}

	@Test
	void aDeclaredPriorityAppliesToPushesThatGiveNoneOfTheirOwn() {
		JobMetadata metadata = JobMetadata.of(Urgent.class);
		assertThat(metadata.priority()).isEqualTo(700);
		assertThat(metadata.options("x", PushOptions.now()).priority()).isEqualTo(700);
		assertThat(metadata.options("x", PushOptions.delay(Duration.ofSeconds(5))).priority()).isEqualTo(700);
		assertThat(metadata.options("x", PushOptions.priority(5)).priority()).as("the push's own wins").isEqualTo(5);
		assertThat(metadata.options("x", PushOptions.now().withGroup("g")).priority())
			.as("a job in a group has no priority").isZero();
		assertThat(JobMetadata.of(TestJobs.CreateOrderJob.class).options("x", PushOptions.now()).priority()).isZero();
	}

	@Test
	void aPriorityOutOfRangeOrBesideAGroupIsRejectedNamingTheJob() {
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(TooUrgent.class))
			.withMessageContaining("@QueueJob on " + TooUrgent.class.getName() + " has priority = 1001, out of range")
			.satisfies((ex) -> assertThat(ex.getAction()).contains("from 1 to 1000"));
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(UrgentGroup.class))
			.withMessageContaining("has both a group and priority = 3");
	}

	@Test
	void unannotatedClassIsRejected() {
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(Unannotated.class))
			.withMessageContaining("is not annotated with @QueueJob")
			.satisfies((ex) -> assertThat(ex.getAction()).contains("Annotate"));
	}

	@Test
	void invalidOverridesAreRejected() {
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(NegativeAttempts.class))
			.withMessageContaining("maxAttempts = -1 is negative");
		assertThatExceptionOfType(AsyncQueueConfigurationException.class)
			.isThrownBy(() -> JobMetadata.of(NegativeBackoff.class))
			.withMessageContaining("retryBackoff '-1s' is negative");
	}

	@QueueJob(queue = { "mail", "mail-bulk" }, name = "send-mail", maxAttempts = 5, handleTimeout = "30s",
			retryBackoff = { "1s", "1m" })
	static class Overrides implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(retryBackoff = "500ms", handleTimeout = "0")
	static class FixedBackoff implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(queue = "${mail.queue}", handleTimeout = "${mail.timeout}")
	static class Placeholders implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	abstract static class BaseJob<T> implements Job<T> {

		@Override
		public void handle(T payload, JobContext context) {
		}

	}

	@QueueJob
	static class ConcreteJob extends BaseJob<List<Map<String, CreateOrder>>> {

	}

	@QueueJob
	static class ArrayJob implements Job<CreateOrder[]> {

		@Override
		public void handle(CreateOrder[] payload, JobContext context) {
		}

	}

	@QueueJob
	static class GenericJob<T> implements Job<T> {

		@Override
		public void handle(T payload, JobContext context) {
		}

	}

	static class Unannotated implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(maxAttempts = -1)
	static class NegativeAttempts implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(retryBackoff = "-1s")
	static class NegativeBackoff implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(priority = 700)
	static class Urgent implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(priority = 1001)
	static class TooUrgent implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(group = "#payload", priority = 3)
	static class UrgentGroup implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(group = "#payload.")
	static class BadGroupJob implements Job<CreateOrder> {

		@Override
		public void handle(CreateOrder payload, JobContext context) {
		}

	}

}
