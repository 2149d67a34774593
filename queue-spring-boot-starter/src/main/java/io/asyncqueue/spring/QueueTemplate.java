package io.asyncqueue.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.spring.observation.DefaultQueuePublishObservationConvention;
import io.asyncqueue.spring.observation.QueueObservation;
import io.asyncqueue.spring.observation.QueuePublishContext;
import io.asyncqueue.spring.observation.QueuePublishObservationConvention;
import io.asyncqueue.spring.transaction.DeferredPush;
import io.asyncqueue.spring.transaction.PushDeferral;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Pushes jobs by their {@link QueueJob @QueueJob} class: the class gives the job's name and queue, its
 * {@link Job} type argument the payload type, checked at compile time.
 *
 * <pre>{@code
 * queueTemplate.push(CreateOrderJob.class, new CreateOrder("u1", 42));
 * queueTemplate.push(CreateOrderJob.class, order, PushOptions.delay(Duration.ofMinutes(1)).uniqueId("u1-42"));
 * queueTemplate.onQueue("orders-bulk").pushAll(CreateOrderJob.class, orders);
 * queueTemplate.push(CreateOrderJob.class, order, PushOptions.guardedBy(takeOneUnit)); // see PushGuard
 * }</pre>
 *
 * <p>Only the job's class is needed, not a bean of it, so an application without consumers pushes to
 * any declared queue. Every push is one atomic Redis call and a batch is one call for all its jobs.
 * Failures reach the caller: the synchronous methods throw {@link QueueException}, the asynchronous ones
 * complete exceptionally. Thread-safe.
 *
 * <p>With an {@link #setObservationRegistry(ObservationRegistry) observation registry}, every push is
 * observed as {@link QueueObservation#PUBLISH}, and what its tracing handlers inject (the trace context)
 * is pushed in the job's headers, so that the consumer's span continues the producer's trace. Pushes
 * made directly with the {@link QueueClient} are not observed.
 *
 * <p>With a {@link #setPushDeferral(PushDeferral) push deferral}, such as the auto-configured one that
 * holds the pushes made inside a Spring-managed transaction until it commits, every push method asks it
 * first: a deferred push returns the id its job will have at once (the synchronous methods) or completes
 * once the job is in Redis (the asynchronous ones).
 *
 * @since 0.1.0
 */
public class QueueTemplate {

	private final QueueClient client;

	private final UnaryOperator<String> placeholderResolver;

	private final Map<Class<?>, JobMetadata> metadata;

	private final @Nullable String queue;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable QueuePublishObservationConvention observationConvention;

	private @Nullable PushDeferral pushDeferral;

	private JobCatalog catalog = List::of;

	/**
	 * A template over a client, with no placeholder resolution in {@link QueueJob} attributes.
	 * @param client the client
	 */
	public QueueTemplate(QueueClient client) {
		this(client, UnaryOperator.identity());
	}

	/**
	 * A template over a client.
	 * @param client the client
	 * @param placeholderResolver resolves {@code ${...}} placeholders in {@link QueueJob} attributes
	 */
	public QueueTemplate(QueueClient client, UnaryOperator<String> placeholderResolver) {
		this(client, placeholderResolver, new ConcurrentHashMap<>(), null);
	}

	private QueueTemplate(QueueClient client, UnaryOperator<String> placeholderResolver,
			Map<Class<?>, JobMetadata> metadata, @Nullable String queue) {
		this.client = Objects.requireNonNull(client, "client");
		this.placeholderResolver = Objects.requireNonNull(placeholderResolver, "placeholderResolver");
		this.metadata = metadata;
		this.queue = queue;
	}

	/**
	 * A template that pushes to the given queue instead of each job's own. The queue's consumers must
	 * know the job: list the queue in the job's {@link QueueJob#queue()}, or every push of that job
	 * through this template fails.
	 * @param queue a declared queue
	 * @return the template
	 * @throws QueueException when the queue is not declared
	 */
	public QueueTemplate onQueue(String queue) {
		this.client.queues().get(queue);
		QueueTemplate template = new QueueTemplate(this.client, this.placeholderResolver, this.metadata, queue);
		template.observationRegistry = this.observationRegistry;
		template.observationConvention = this.observationConvention;
		template.pushDeferral = this.pushDeferral;
		template.catalog = this.catalog;
		return template;
	}

	/**
	 * Observe every push with this registry ({@link ObservationRegistry#NOOP}, the default, for none). Set
	 * it before the template is used; templates made by {@link #onQueue(String)} afterwards share it.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
	}

	/**
	 * Name and tag push observations with this convention instead of the
	 * {@link DefaultQueuePublishObservationConvention default}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable QueuePublishObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Let this deferral decide whether each push goes now or later. Set it before the template is used;
	 * templates made by {@link #onQueue(String)} afterwards share it.
	 * @param pushDeferral the deferral, or {@code null} to push every job at once
	 */
	public void setPushDeferral(@Nullable PushDeferral pushDeferral) {
		this.pushDeferral = pushDeferral;
	}

	/**
	 * Push by name and payload type to the jobs of this catalog. Set it before the template is used; templates
	 * made by {@link #onQueue(String)} afterwards share it.
	 * @param catalog the jobs of the application
	 * @since 0.2.0
	 */
	public void setJobCatalog(JobCatalog catalog) {
		this.catalog = Objects.requireNonNull(catalog, "catalog");
	}

	/**
	 * Push a job due now.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @return the job's id
	 */
	public <T> PushResult push(Class<? extends Job<T>> job, @Nullable T payload) {
		return push(job, payload, PushOptions.now());
	}

	/**
	 * Push a job: delayed, at an instant, with a unique id or headers.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @param options when and how, for example {@code PushOptions.delay(Duration.ofMinutes(1))}
	 * @return the job's id, or for a duplicate unique id the id of the job that holds it
	 */
	public <T> PushResult push(Class<? extends Job<T>> job, @Nullable T payload, PushOptions options) {
		return push(metadata(job), payload, options);
	}

	/**
	 * Push a job due now by its name: a {@link QueueJob @QueueJob} class's or a
	 * {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} method's of this application.
	 * @param job the job's name
	 * @param payload the payload, of the job's payload type
	 * @return the job's id
	 * @throws QueueException when no job of this application has the name, or the payload does not fit it
	 * @since 0.2.0
	 */
	public PushResult push(String job, @Nullable Object payload) {
		return push(job, payload, PushOptions.now());
	}

	/**
	 * Push a job by its name: a {@link QueueJob @QueueJob} class's or a
	 * {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} method's of this application.
	 * @param job the job's name
	 * @param payload the payload, of the job's payload type
	 * @param options when and how
	 * @return the job's id, or for a duplicate unique id the id of the job that holds it
	 * @throws QueueException when no job of this application has the name, or the payload does not fit it
	 * @since 0.2.0
	 */
	public PushResult push(String job, @Nullable Object payload, PushOptions options) {
		return push(named(job, payload), payload, options);
	}

	/**
	 * Push a payload, due now, to the one job of this application that takes its type.
	 * @param payload the payload
	 * @return the job's id
	 * @throws QueueException when no job, or more than one, takes the payload's type (the message lists them)
	 * @since 0.2.0
	 */
	public PushResult pushPayload(Object payload) {
		return pushPayload(payload, PushOptions.now());
	}

	/**
	 * Push a payload to the one job of this application that takes its type: a {@link QueueJob @QueueJob}
	 * class or a {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} method.
	 * @param payload the payload
	 * @param options when and how
	 * @return the job's id, or for a duplicate unique id the id of the job that holds it
	 * @throws QueueException when no job, or more than one, takes the payload's type (the message lists them)
	 * @since 0.2.0
	 */
	public PushResult pushPayload(Object payload, PushOptions options) {
		Objects.requireNonNull(payload, "payload");
		List<JobMetadata> candidates = this.catalog.jobs()
			.stream()
			.filter((job) -> rawType(job).isInstance(payload))
			.toList();
		if (candidates.size() != 1) {
			throw new QueueException(((candidates.isEmpty()) ? "No job takes " : "More than one job takes ")
					+ payload.getClass().getName() + ((candidates.isEmpty()) ? "" : ": " + describe(candidates))
					+ "; push by job name with push(\"name\", payload) instead, or declare a @QueueJob or "
					+ "@QueueListener for it. Jobs known: " + describe(this.catalog.jobs()));
		}
		return push(candidates.get(0), payload, options);
	}

	/**
	 * Push a job described by its metadata, the way every other push method ends.
	 * @param job the job
	 * @param payload the payload, of the job's payload type
	 * @param given when and how (a group derived from the payload is added, see {@link JobMetadata#options})
	 * @return the job's id, or for a duplicate unique id the id of the job that holds it
	 * @since 0.2.0
	 */
	public PushResult push(JobMetadata job, @Nullable Object payload, PushOptions given) {
		JobMetadata metadata = job;
		PushOptions options = metadata.options(payload, given);
		String queue = queue(metadata);
		if (this.observationRegistry.isNoop()) {
			return send(queue, metadata.name(), payload, options);
		}
		QueuePublishContext context = new QueuePublishContext(queue, metadata.name(), 1);
		return observation(context).observe(() -> {
			PushResult result = send(queue, metadata.name(), payload, context.withHeaders(options));
			context.setJobId(result.id());
			return result;
		});
	}

	/**
	 * Push a job due now without waiting for Redis.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @return the result, completed exceptionally on failure
	 */
	public <T> CompletableFuture<PushResult> pushAsync(Class<? extends Job<T>> job, @Nullable T payload) {
		return pushAsync(job, payload, PushOptions.now());
	}

	/**
	 * Push a job without waiting for Redis.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @param options when and how
	 * @return the result, completed exceptionally on failure
	 */
	public <T> CompletableFuture<PushResult> pushAsync(Class<? extends Job<T>> job, @Nullable T payload,
			PushOptions options) {
		try {
			return pushAsync(metadata(job), payload, options);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Push a job described by its metadata without waiting for Redis.
	 * @param job the job
	 * @param payload the payload, of the job's payload type
	 * @param given when and how (a group derived from the payload is added, see {@link JobMetadata#options})
	 * @return the result, completed exceptionally on failure
	 * @since 0.2.0
	 */
	public CompletableFuture<PushResult> pushAsync(JobMetadata job, @Nullable Object payload, PushOptions given) {
		try {
			JobMetadata metadata = job;
			PushOptions options = metadata.options(payload, given);
			String queue = queue(metadata);
			if (this.observationRegistry.isNoop()) {
				return sendAsync(queue, List.of(new PushRequest(metadata.name(), payload, options)))
					.thenApply((results) -> results.get(0));
			}
			QueuePublishContext context = new QueuePublishContext(queue, metadata.name(), 1);
			return observeAsync(context,
					() -> sendAsync(queue, List.of(new PushRequest(metadata.name(), payload, context.withHeaders(options))))
						.thenApply((results) -> results.get(0)),
					(result) -> context.setJobId(result.id()));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Push several jobs of one class, due now, in one round trip and one atomic step.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @return one result per payload, in order
	 */
	public <T> List<PushResult> pushAll(Class<? extends Job<T>> job, Collection<? extends T> payloads) {
		return pushAll(job, payloads, (payload) -> PushOptions.now());
	}

	/**
	 * Push several jobs of one class in one round trip and one atomic step.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @param options the options of each payload, for example {@code (order) -> PushOptions.unique(order.id())}
	 * @return one result per payload, in order
	 */
	public <T> List<PushResult> pushAll(Class<? extends Job<T>> job, Collection<? extends T> payloads,
			Function<? super T, PushOptions> options) {
		JobMetadata metadata = metadata(job);
		String queue = queue(metadata);
		if (this.observationRegistry.isNoop() || payloads.isEmpty()) {
			return sendAll(queue, requests(metadata, payloads, options));
		}
		QueuePublishContext context = new QueuePublishContext(queue, metadata.name(), payloads.size());
		return observation(context).observe(() -> sendAll(queue,
				requests(metadata, payloads, (payload) -> context.withHeaders(options.apply(payload)))));
	}

	/**
	 * Push several jobs of one class, due now, without waiting for Redis.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @return one result per payload, in order; completed exceptionally on failure
	 */
	public <T> CompletableFuture<List<PushResult>> pushAllAsync(Class<? extends Job<T>> job,
			Collection<? extends T> payloads) {
		return pushAllAsync(job, payloads, (payload) -> PushOptions.now());
	}

	/**
	 * Push several jobs of one class without waiting for Redis.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @param options the options of each payload
	 * @return one result per payload, in order; completed exceptionally on failure
	 */
	public <T> CompletableFuture<List<PushResult>> pushAllAsync(Class<? extends Job<T>> job,
			Collection<? extends T> payloads, Function<? super T, PushOptions> options) {
		try {
			JobMetadata metadata = metadata(job);
			String queue = queue(metadata);
			if (this.observationRegistry.isNoop() || payloads.isEmpty()) {
				return sendAsync(queue, requests(metadata, payloads, options));
			}
			QueuePublishContext context = new QueuePublishContext(queue, metadata.name(), payloads.size());
			return observeAsync(context, () -> sendAsync(queue,
					requests(metadata, payloads, (payload) -> context.withHeaders(options.apply(payload)))),
					(results) -> {
					});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * The metadata of a job class, as this template reads it.
	 * @param job the job class
	 * @return its name, queues and payload type
	 * @throws AsyncQueueConfigurationException when the class is not a valid job
	 */
	public JobMetadata metadata(Class<?> job) {
		return this.metadata.computeIfAbsent(job, (type) -> JobMetadata.of(type, this.placeholderResolver));
	}

	/**
	 * A key for a {@link io.asyncqueue.core.PushGuard PushGuard} of pushes of this job: in its queue's Redis
	 * Cluster hash slot, and never one of the queue's own keys.
	 * @param job the job class, whose queue (or this template's) the key belongs to
	 * @param name the application's name for the key, such as {@code stock:item-1}
	 * @return the key, such as {@code {async-queue:orders}:guard:stock:item-1}
	 */
	public String guardKey(Class<? extends Job<?>> job, String name) {
		return this.client.guardKey(queue(metadata(job)), name);
	}

	/** The engine's client, to push by job name without the job's class. */
	public QueueClient getQueueClient() {
		return this.client;
	}

	private Observation observation(QueuePublishContext context) {
		return QueueObservation.PUBLISH.observation(this.observationConvention,
				DefaultQueuePublishObservationConvention.INSTANCE, () -> context, this.observationRegistry);
	}

	private <R> CompletableFuture<R> observeAsync(QueuePublishContext context, Supplier<CompletableFuture<R>> push,
			Consumer<R> onResult) {
		Observation observation = observation(context).start();
		CompletableFuture<R> future;
		try (Observation.Scope scope = observation.openScope()) {
			future = push.get();
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		return future.whenComplete((result, failure) -> {
			if (failure != null) {
				observation.error((failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure);
			}
			else {
				onResult.accept(result);
			}
			observation.stop();
		});
	}

	private PushResult send(String queue, String jobName, @Nullable Object payload, PushOptions options) {
		DeferredPush deferred = defer(queue, List.of(new PushRequest(jobName, payload, options)));
		return (deferred != null) ? deferred.provisional().get(0) : this.client.push(queue, jobName, payload, options);
	}

	private List<PushResult> sendAll(String queue, List<PushRequest> requests) {
		DeferredPush deferred = defer(queue, requests);
		return (deferred != null) ? deferred.provisional() : this.client.pushAll(queue, requests);
	}

	private CompletableFuture<List<PushResult>> sendAsync(String queue, List<PushRequest> requests) {
		DeferredPush deferred = defer(queue, requests);
		return (deferred != null) ? deferred.completion() : this.client.pushAllAsync(queue, requests);
	}

	private @Nullable DeferredPush defer(String queue, List<PushRequest> requests) {
		return (this.pushDeferral != null && !requests.isEmpty()) ? this.pushDeferral.defer(queue, requests) : null;
	}

	private String queue(JobMetadata metadata) {
		if (this.queue == null) {
			return metadata.queue();
		}
		if (!metadata.queues().contains(this.queue)) {
			// its consumers would find no handler for the job and park it in failed
			throw new QueueException("Job '" + metadata.name() + "' (" + metadata.jobClass().getName()
					+ ") does not run on queue '" + this.queue + "': its @QueueJob queues are " + metadata.queues()
					+ "; add '" + this.queue + "' to its @QueueJob(queue = ...) or push it without onQueue(\""
					+ this.queue + "\")");
		}
		return this.queue;
	}

	private JobMetadata named(String name, @Nullable Object payload) {
		List<JobMetadata> named = this.catalog.jobs().stream().filter((job) -> job.name().equals(name)).toList();
		if (named.size() != 1) {
			throw new QueueException(((named.isEmpty()) ? "No job of this application is named '" + name + "'"
					: "More than one job is named '" + name + "': " + describe(named))
					+ ". Jobs known: " + describe(this.catalog.jobs())
					+ "; a job of another application is pushed with QueueClient.push(queue, name, payload)");
		}
		JobMetadata job = named.get(0);
		if (payload != null && !rawType(job).isInstance(payload)) {
			throw new QueueException("Job '" + name + "' takes " + job.payloadType().getTypeName() + ", not "
					+ payload.getClass().getName() + " (" + job.source() + ")");
		}
		return job;
	}

	private static Class<?> rawType(JobMetadata job) {
		return ClassUtils.resolvePrimitiveIfNecessary(ResolvableType.forType(job.payloadType()).toClass());
	}

	private static String describe(Collection<JobMetadata> jobs) {
		return jobs.stream().map((job) -> "'" + job.name() + "' (" + job.source() + ")").toList().toString();
	}

	private static <T> List<PushRequest> requests(JobMetadata metadata, Collection<? extends T> payloads,
			Function<? super T, PushOptions> options) {
		List<PushRequest> requests = new ArrayList<>(payloads.size());
		for (T payload : payloads) {
			requests.add(new PushRequest(metadata.name(), payload, metadata.options(payload, options.apply(payload))));
		}
		return requests;
	}

}
