package io.asyncqueue.spring.autoconfigure;

import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.listener.AsyncQueueMessage;
import io.asyncqueue.spring.listener.AsyncQueueMessageBeanPostProcessor;
import io.asyncqueue.spring.listener.QueueListener;
import io.asyncqueue.spring.listener.QueueListenerAnnotationBeanPostProcessor;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link AsyncQueueListenerConfiguration}: listener methods and {@code @AsyncQueueMessage} methods
 * are found, and what cannot work stops startup naming the bean, the method and the fix.
 */
@EmbeddedRedis
class ListenerMethodsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withPropertyValues("async-queue.queues.orders.channel=lmac:orders", "async-queue.queues.orders.auto-startup=false");

	@Test
	void listenerMethodsJoinTheirQueuesContainer() {
		this.runner.withBean(TestJobs.Recorder.class).withBean(TestJobs.CreateOrderJob.class).withBean(Listeners.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(QueueListenerAnnotationBeanPostProcessor.class)
					.hasSingleBean(AsyncQueueMessageBeanPostProcessor.class);
				assertThat(context.getBean(QueueContainerRegistry.class).getContainer("orders").getJobs())
					.extracting(JobDefinition::name)
					.containsExactly("CreateOrderJob", "Listeners.on");
			});
	}

	@Test
	void listenersOfBeansCreatedAfterTheContainerRegistryRun() {
		// this bean is created first and makes the registry: the listener bean only exists afterwards
		this.runner.withBean(RegistryUser.class).withBean(Listeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(QueueContainerRegistry.class).getContainer("orders").getJobs())
				.extracting(JobDefinition::name)
				.containsExactly("Listeners.on");
		});
	}

	@Test
	void producerOnlyApplicationPushesToListenersByNameAndPayloadType() {
		this.runner.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.queues.orders.channel=lmac:producer")
			.withBean(Listeners.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(QueueContainerRegistry.class);
				QueueTemplate template = context.getBean(QueueTemplate.class);
				template.push("Listeners.on", new CreateOrder("p1", 1));
				template.pushPayload(new CreateOrder("p2", 2));
				assertThat(context.getBean(QueueOperations.class).counts("orders").waiting()).isEqualTo(2);
				assertThatException().isThrownBy(() -> template.pushPayload(42L))
					.withMessageStartingWith("No job takes java.lang.Long; push by job name")
					.withMessageContaining("'Listeners.on' (@QueueListener on " + Listeners.class.getName()
							+ ".on(CreateOrder))");
			});
	}

	@Test
	void listenerOfALazyBeanCreatedAfterStartupFails() {
		this.runner.withBean(Listeners.class, Listeners::new, (definition) -> definition.setLazyInit(true)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThatException().isThrownBy(() -> context.getBean(Listeners.class))
				.havingRootCause()
				.withMessageContaining("@QueueListener on " + Listeners.class.getName() + ".on(CreateOrder)")
				.withMessageContaining("was found after the consumers were built");
		});
	}

	@Test
	void asyncQueueMessageBeanIsProxied() {
		this.runner.withBean(Messages.class).run((context) -> {
			assertThat(AopUtils.isCglibProxy(context.getBean(Messages.class))).isTrue();
			assertThat(context.getBean(QueueContainerRegistry.class).getContainer("orders").getJobs())
				.extracting(JobDefinition::name)
				.containsExactly("Messages.send(CreateOrder,int)", "Messages.sendLater(String)");
		});
	}

	@Test
	void asyncQueueMessageOverriddenInASubclassIsOneJob() {
		this.runner.withBean(MoreMessages.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(QueueContainerRegistry.class).getContainer("orders").getJobs())
				.extracting(JobDefinition::name)
				.containsExactlyInAnyOrder("MoreMessages.send(CreateOrder,int)", "MoreMessages.sendLater(String)");
		});
	}

	@Test
	void listenerWithoutPayloadIsRefused() {
		assertFailure(NoPayload.class, "@QueueListener on " + NoPayload.class.getName()
				+ ".on() (bean 'noPayload'): a listener takes the payload, then optionally the JobContext",
				"Declare it as void on(Payload payload) or void on(Payload payload, JobContext context).");
	}

	@Test
	void listenerWhoseSecondParameterIsNotTheContextIsRefused() {
		assertFailure(SecondNotContext.class, ".on(CreateOrder, String) (bean 'secondNotContext'): a listener takes",
				"void on(Payload payload, JobContext context)");
	}

	@Test
	void listenerReturningAValueIsRefused() {
		assertFailure(Returning.class, ".on(CreateOrder) (bean 'returning'): it returns java.lang.String, which nothing would read",
				"A return ends the job successfully");
	}

	@Test
	void privateListenerIsRefused() {
		assertFailure(PrivateListener.class, ".on(CreateOrder) (bean 'privateListener'): it is private",
				"Make it a public or package-private instance method");
	}

	@Test
	void listenerOnAnUndeclaredQueueIsRefused() {
		assertFailure(UndeclaredQueue.class,
				"Job 'UndeclaredQueue.on' (@QueueListener on " + UndeclaredQueue.class.getName()
						+ ".on(CreateOrder)) is bound to queue 'nowhere', which is not declared",
				"Declare the queue under async-queue.queues.nowhere");
	}

	@Test
	void listenerNamedAsAJobClassIsRefused() {
		assertFailure(this.runner.withBean(TestJobs.Recorder.class).withBean(TestJobs.CreateOrderJob.class),
				NamedAsJobClass.class, "Two jobs are named 'CreateOrderJob'", "Give one of them a name of its own");
	}

	@Test
	void asyncQueueMessageReturningAValueIsRefused() {
		assertFailure(ReturnsValue.class, ".send(String) (bean 'returnsValue'): it returns java.lang.String, but a call "
				+ "returns before the method runs", "Return void, or CompletableFuture<Void>");
		assertFailure(ReturnsFutureOfValue.class, "it returns java.util.concurrent.CompletableFuture<java.lang.String>",
				"Return void, or CompletableFuture<Void>");
	}

	@Test
	void asyncQueueMessageTheProxyCannotInterceptIsRefused() {
		assertFailure(PrivateMessage.class, ".send(String) (bean 'privateMessage'): it is private, so the proxy cannot "
				+ "intercept its calls", "Make it a public");
		assertFailure(FinalMessage.class, "it is final, so the proxy cannot intercept its calls", "Make it a public");
		assertFailure(FinalClass.class, "class " + FinalClass.class.getName() + " is final",
				"Remove final from class FinalClass");
	}

	@Test
	void asyncQueueMessageWithABadUniqueIdIsRefused() {
		assertFailure(BadUniqueId.class, "uniqueId '#p0 +' is not a SpEL expression", "uniqueId = \"#order.id()\"");
	}

	@Test
	void asyncQueueMessageWithAPriorityOutOfRangeIsRefused() {
		assertFailure(BadPriority.class, "priority 1001 is out of range", "Use a priority from 0 (none) to 1000");
	}

	private void assertFailure(Class<?> bean, String description, String action) {
		assertFailure(this.runner, bean, description, action);
	}

	private static void assertFailure(ApplicationContextRunner runner, Class<?> bean, String description,
			String action) {
		runner.withBean(StringUtils.uncapitalize(bean.getSimpleName()), bean).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new AsyncQueueFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		});
	}

	static class Listeners {

		@QueueListener(queue = "orders")
		void on(CreateOrder order) {
		}

	}

	static class RegistryUser {

		RegistryUser(QueueContainerRegistry registry) {
		}

	}

	static class Messages {

		@AsyncQueueMessage(queue = "orders")
		public void send(CreateOrder order, int count) {
		}

		@AsyncQueueMessage(queue = "orders", delay = "1m")
		public CompletableFuture<Void> sendLater(String note) {
			return CompletableFuture.completedFuture(null);
		}

	}

	static class MoreMessages extends Messages {

		@Override
		public void send(CreateOrder order, int count) {
		}

	}

	static class NoPayload {

		@QueueListener(queue = "orders")
		void on() {
		}

	}

	static class SecondNotContext {

		@QueueListener(queue = "orders")
		void on(CreateOrder order, String other) {
		}

	}

	static class Returning {

		@QueueListener(queue = "orders")
		String on(CreateOrder order) {
			return "";
		}

	}

	static class PrivateListener {

		@QueueListener(queue = "orders")
		private void on(CreateOrder order) {
		}

	}

	static class UndeclaredQueue {

		@QueueListener(queue = "nowhere")
		void on(CreateOrder order) {
		}

	}

	static class NamedAsJobClass {

		@QueueListener(queue = "orders", name = "CreateOrderJob")
		void on(CreateOrder order, JobContext context) {
		}

	}

	static class ReturnsValue {

		@AsyncQueueMessage(queue = "orders")
		public String send(String text) {
			return text;
		}

	}

	static class ReturnsFutureOfValue {

		@AsyncQueueMessage(queue = "orders")
		public CompletableFuture<String> send(String text) {
			return CompletableFuture.completedFuture(text);
		}

	}

	static class PrivateMessage {

		@AsyncQueueMessage(queue = "orders")
		private void send(String text) {
		}

	}

	static class FinalMessage {

		@AsyncQueueMessage(queue = "orders")
		public final void send(String text) {
		}

	}

	static final class FinalClass {

		@AsyncQueueMessage(queue = "orders")
		public void send(String text) {
		}

	}

	static class BadUniqueId {

		@AsyncQueueMessage(queue = "orders", uniqueId = "#p0 +")
		public void send(String text) {
		}

	}

	static class BadPriority {

		@AsyncQueueMessage(queue = "orders", priority = 1001)
		public void send(String text) {
		}

	}

}
