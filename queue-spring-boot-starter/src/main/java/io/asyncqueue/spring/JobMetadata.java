package io.asyncqueue.spring;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobHandler;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.RetryBackoff;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * What a {@link QueueJob @QueueJob} class declares: its logical name, its queues, its payload type
 * (from the {@link Job} type argument) and its overrides of the queue's settings. Read from the class
 * alone, so that an application that only pushes a job needs its class but no bean of it. A job declared
 * on a method ({@link io.asyncqueue.spring.listener.QueueListener @QueueListener},
 * {@link io.asyncqueue.spring.listener.AsyncQueueMessage @AsyncQueueMessage}) has metadata of the same
 * kind, made by {@link #of(Class, String, String, Declaration, Type, UnaryOperator)}.
 *
 * @since 0.1.0
 */
public final class JobMetadata {

	private final Class<?> jobClass;

	private final String source;

	private final String name;

	private final List<String> queues;

	private final Type payloadType;

	private final @Nullable Integer maxAttempts;

	private final @Nullable Duration handleTimeout;

	private final @Nullable RetryBackoff retryBackoff;

	private final @Nullable PayloadGroupKey group;

	private final int priority;

	private JobMetadata(Class<?> jobClass, String source, String name, List<String> queues, Type payloadType,
			@Nullable Integer maxAttempts, @Nullable Duration handleTimeout, @Nullable RetryBackoff retryBackoff,
			@Nullable PayloadGroupKey group, int priority) {
		this.jobClass = jobClass;
		this.source = source;
		this.name = name;
		this.queues = queues;
		this.payloadType = payloadType;
		this.maxAttempts = maxAttempts;
		this.handleTimeout = handleTimeout;
		this.retryBackoff = retryBackoff;
		this.group = group;
		this.priority = priority;
	}

	/**
	 * Read a job class without resolving placeholders.
	 * @param jobClass a class annotated with {@link QueueJob @QueueJob} that implements {@link Job}
	 * @return the metadata
	 * @throws AsyncQueueConfigurationException when the class is not a valid job
	 */
	public static JobMetadata of(Class<?> jobClass) {
		return of(jobClass, UnaryOperator.identity());
	}

	/**
	 * Read a job class.
	 * @param jobClass a class annotated with {@link QueueJob @QueueJob} that implements {@link Job}; a
	 * CGLIB subclass stands for its user class
	 * @param placeholderResolver resolves {@code ${...}} placeholders in the annotation's strings
	 * @return the metadata
	 * @throws AsyncQueueConfigurationException when the class is not a valid job
	 */
	public static JobMetadata of(Class<?> jobClass, UnaryOperator<String> placeholderResolver) {
		Class<?> userClass = ClassUtils.getUserClass(jobClass);
		String className = userClass.getName();
		QueueJob annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, QueueJob.class);
		if (annotation == null) {
			throw new AsyncQueueConfigurationException(null, "Class " + className + " is not annotated with @QueueJob",
					"Annotate " + className + " with @QueueJob(queue = \"...\") and implement Job<Payload>.");
		}
		if (!Job.class.isAssignableFrom(userClass)) {
			throw new AsyncQueueConfigurationException(null,
					"@QueueJob class " + className + " does not implement " + Job.class.getName(),
					"Make " + className + " implement Job<Payload>, where Payload is the type it handles.");
		}
		Declaration declaration = new Declaration(annotation.name(), annotation.queue(), annotation.maxAttempts(),
				annotation.handleTimeout(), annotation.retryBackoff());
		JobMetadata metadata = of(userClass, "@QueueJob on " + className, userClass.getSimpleName(), declaration,
				payloadType(userClass), placeholderResolver);
		return metadata.withGroup(annotation.group(), placeholderResolver).withPriority(annotation.priority());
	}

	/**
	 * This job with the group of each push derived from its payload, as {@link QueueJob#group()} declares it.
	 * @param expression a SpEL expression over {@code #payload}; blank for none
	 * @param placeholderResolver resolves {@code ${...}} placeholders in the expression
	 * @return the metadata, this one when the expression is blank
	 * @throws AsyncQueueConfigurationException when the expression does not parse
	 * @since 0.6.0
	 */
	public JobMetadata withGroup(String expression, UnaryOperator<String> placeholderResolver) {
		PayloadGroupKey group = PayloadGroupKey.parse(this.source, placeholderResolver.apply(expression));
		return (group != null) ? new JobMetadata(this.jobClass, this.source, this.name, this.queues, this.payloadType,
				this.maxAttempts, this.handleTimeout, this.retryBackoff, group, this.priority) : this;
	}

	/**
	 * This job with a priority for each push that sets none, as {@link QueueJob#priority()} declares it.
	 * @param priority from 1 to 1000; 0 for none
	 * @return the metadata, this one when the priority is 0
	 * @throws AsyncQueueConfigurationException when it is out of range, or the job also derives a group
	 * @since 0.7.0
	 */
	public JobMetadata withPriority(int priority) {
		if (priority == PushOptions.MIN_PRIORITY) {
			return this;
		}
		if (priority < PushOptions.MIN_PRIORITY || priority > PushOptions.MAX_PRIORITY) {
			throw new AsyncQueueConfigurationException(null, this.source + " has priority = " + priority
					+ ", out of range.", "Give " + this.source + " a priority from 1 to " + PushOptions.MAX_PRIORITY
							+ " (higher runs first), or 0 for none.");
		}
		if (this.group != null) {
			throw new AsyncQueueConfigurationException(null, this.source + " has both a group and priority = "
					+ priority + ": a job in a group runs in its group's order and has no priority.",
					"Remove either the group or the priority from " + this.source + ".");
		}
		return new JobMetadata(this.jobClass, this.source, this.name, this.queues, this.payloadType, this.maxAttempts,
				this.handleTimeout, this.retryBackoff, null, priority);
	}

	/**
	 * The priority each push of this job gets when its options set none.
	 * @return from 1 to 1000; 0 for none
	 * @since 0.7.0
	 */
	public int priority() {
		return this.priority;
	}

	/**
	 * Read a job declared some other way than a {@link QueueJob @QueueJob} class, such as a listener method.
	 * @param declaringClass the user class that declares the job
	 * @param source what declares it, for error messages, such as {@code "@QueueListener on Orders.on(Order)"}
	 * @param defaultName the name when the declaration has none
	 * @param declaration the declared attributes, as the annotation holds them
	 * @param payloadType the payload type, generics included
	 * @param placeholderResolver resolves {@code ${...}} placeholders in the declaration's strings
	 * @return the metadata
	 * @throws AsyncQueueConfigurationException when an attribute is invalid
	 * @since 0.2.0
	 */
	public static JobMetadata of(Class<?> declaringClass, String source, String defaultName, Declaration declaration,
			Type payloadType, UnaryOperator<String> placeholderResolver) {
		String name = placeholderResolver.apply(declaration.name()).trim();
		if (name.isEmpty()) {
			name = defaultName;
		}
		List<String> queues = queues(declaration.queue(), placeholderResolver, source);
		Integer maxAttempts = null;
		if (declaration.maxAttempts() < 0) {
			throw invalid(source, "maxAttempts = " + declaration.maxAttempts() + " is negative",
					"Use 1 or more, or 0 for the queue's max-attempts.");
		}
		else if (declaration.maxAttempts() > 0) {
			maxAttempts = declaration.maxAttempts();
		}
		Duration handleTimeout = null;
		String timeout = placeholderResolver.apply(declaration.handleTimeout()).trim();
		if (!timeout.isEmpty()) {
			handleTimeout = duration(timeout, source, "handleTimeout");
		}
		RetryBackoff retryBackoff = null;
		if (declaration.retryBackoff().length > 0) {
			List<Duration> delays = new ArrayList<>();
			for (String delay : declaration.retryBackoff()) {
				delays.add(duration(placeholderResolver.apply(delay).trim(), source, "retryBackoff"));
			}
			retryBackoff = (delays.size() == 1) ? RetryBackoff.fixed(delays.get(0)) : RetryBackoff.schedule(delays);
		}
		return new JobMetadata(declaringClass, source, name, queues, payloadType, maxAttempts, handleTimeout,
				retryBackoff, null, PushOptions.MIN_PRIORITY);
	}

	/**
	 * Parse a duration attribute of a job's declaration.
	 * @param value the value, placeholders resolved
	 * @param source what declares it, for error messages
	 * @param attribute the attribute's name, for error messages
	 * @return the duration, zero or positive
	 * @throws AsyncQueueConfigurationException when it is not a duration or is negative
	 * @since 0.2.0
	 */
	public static Duration duration(String value, String source, String attribute) {
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(source, attribute + " '" + value + "' is not a duration",
					"Use a duration such as \"500ms\", \"30s\" or \"PT1M\".");
		}
		if (duration.isNegative()) {
			throw invalid(source, attribute + " '" + value + "' is negative", "Use zero or a positive duration.");
		}
		return duration;
	}

	/**
	 * The {@link Type} a resolvable type stands for, generics included, for a payload type.
	 * @param type the type
	 * @return the type
	 * @throws IllegalArgumentException when a type variable is left unresolved
	 * @since 0.2.0
	 */
	public static Type typeOf(ResolvableType type) {
		return toType(type);
	}

	private static List<String> queues(String[] declared, UnaryOperator<String> placeholderResolver,
			String source) {
		Set<String> queues = new LinkedHashSet<>();
		for (String queue : declared) {
			String resolved = placeholderResolver.apply(queue).trim();
			if (resolved.isEmpty()) {
				throw invalid(source, "queue contains an empty name", "Name a queue declared under async-queue.queues.");
			}
			queues.add(resolved);
		}
		if (queues.isEmpty()) {
			throw invalid(source, "queue is empty", "Name at least one queue declared under async-queue.queues.");
		}
		return List.copyOf(queues);
	}

	private static Type payloadType(Class<?> userClass) {
		ResolvableType payload = ResolvableType.forClass(userClass).as(Job.class).getGeneric(0);
		try {
			return toType(payload);
		}
		catch (IllegalArgumentException ex) {
			throw new AsyncQueueConfigurationException(null,
					"Cannot tell the payload type of job " + userClass.getName() + " (" + payload + ")",
					"Declare the payload type in the class: " + userClass.getSimpleName()
							+ " implements Job<Payload>, with no unresolved type variable.");
		}
	}

	private static Type toType(ResolvableType type) {
		Class<?> raw = type.resolve();
		if (raw == null) {
			throw new IllegalArgumentException("unresolvable type " + type);
		}
		if (type.isArray()) {
			Type component = toType(type.getComponentType());
			return (component instanceof Class<?> componentClass) ? componentClass.arrayType()
					: (java.lang.reflect.GenericArrayType) () -> component;
		}
		if (!type.hasGenerics()) {
			return raw;
		}
		ResolvableType[] generics = type.getGenerics();
		Type[] arguments = new Type[generics.length];
		for (int i = 0; i < generics.length; i++) {
			arguments[i] = toType(generics[i]);
		}
		return new Parameterized(raw, arguments);
	}

	private static AsyncQueueConfigurationException invalid(String source, String problem, String action) {
		return new AsyncQueueConfigurationException(null, source + ": " + problem, action);
	}

	/**
	 * The job as the engine runs it.
	 * @param job the job instance (a bean, possibly a proxy)
	 * @return the definition
	 */
	public JobDefinition<?> toDefinition(Job<?> job) {
		return toDefinition((JobHandler<?>) job);
	}

	/**
	 * The job as the engine runs it, with another handler than a {@link Job} bean, such as a listener method's.
	 * @param handler the handler
	 * @return the definition
	 * @since 0.2.0
	 */
	public JobDefinition<?> toDefinition(JobHandler<?> handler) {
		return new JobDefinition<>(this.name, this.payloadType, handler, this.maxAttempts, this.handleTimeout,
				this.retryBackoff);
	}

	/** The annotated class, or the class that declares the listener method. */
	public Class<?> jobClass() {
		return this.jobClass;
	}

	/**
	 * What declares the job, as error messages name it, such as {@code "@QueueJob on com.example.CreateOrderJob"}.
	 * @since 0.2.0
	 */
	public String source() {
		return this.source;
	}

	/** The logical name stored with every pushed job. */
	public String name() {
		return this.name;
	}

	/** The queues the job runs on, the default push target first. */
	public List<String> queues() {
		return this.queues;
	}

	/** The queue a push goes to unless told otherwise. */
	public String queue() {
		return this.queues.get(0);
	}

	/** The payload type, generics included. */
	public Type payloadType() {
		return this.payloadType;
	}

	/** The job's own max attempts, or {@code null} for the queue's. */
	public @Nullable Integer maxAttempts() {
		return this.maxAttempts;
	}

	/** The job's own handle timeout, or {@code null} for the queue's. */
	public @Nullable Duration handleTimeout() {
		return this.handleTimeout;
	}

	/** The job's own retry backoff, or {@code null} for the queue's. */
	public @Nullable RetryBackoff retryBackoff() {
		return this.retryBackoff;
	}

	/**
	 * The options a job of this class is pushed with: in the group its {@link QueueJob#group()} derives from the
	 * payload, unless the options name one (or the job derives none); at its {@link QueueJob#priority()} when the
	 * options give neither a priority nor a group.
	 * @param payload the payload
	 * @param options the options given
	 * @return the options to push with
	 * @throws IllegalArgumentException when the group expression gives no key for this payload
	 * @since 0.6.0
	 */
	public PushOptions options(@Nullable Object payload, PushOptions options) {
		if (this.group != null) {
			return this.group.apply(payload, options);
		}
		if (this.priority != PushOptions.MIN_PRIORITY && options.priority() == PushOptions.MIN_PRIORITY
				&& options.group() == null) {
			return options.withPriority(this.priority);
		}
		return options;
	}

	@Override
	public String toString() {
		return "JobMetadata[name=" + this.name + ", source=" + this.source + ", queues=" + this.queues
				+ ", payloadType=" + this.payloadType.getTypeName() + "]";
	}

	/**
	 * The attributes of a job's declaration as its annotation holds them, placeholders unresolved: the same as
	 * {@link QueueJob @QueueJob}'s.
	 *
	 * @param name the logical name, empty for the default
	 * @param queue the queues, the default push target first
	 * @param maxAttempts the most executions, zero for the queue's
	 * @param handleTimeout the handle timeout, empty for the queue's
	 * @param retryBackoff the retry delays, empty for the queue's
	 * @since 0.2.0
	 */
	public record Declaration(String name, String[] queue, int maxAttempts, String handleTimeout,
			String[] retryBackoff) {
	}

	private record Parameterized(Class<?> raw, Type[] arguments) implements ParameterizedType {

		@Override
		public Type[] getActualTypeArguments() {
			return this.arguments.clone();
		}

		@Override
		public Type getRawType() {
			return this.raw;
		}

		@Override
		public @Nullable Type getOwnerType() {
			return this.raw.getDeclaringClass();
		}

		@Override
		public String getTypeName() {
			StringBuilder name = new StringBuilder(this.raw.getTypeName()).append('<');
			for (int i = 0; i < this.arguments.length; i++) {
				name.append((i > 0) ? ", " : "").append(this.arguments[i].getTypeName());
			}
			return name.append('>').toString();
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof ParameterizedType that && this.raw.equals(that.getRawType())
					&& Objects.equals(getOwnerType(), that.getOwnerType())
					&& Arrays.equals(this.arguments, that.getActualTypeArguments());
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.arguments) ^ this.raw.hashCode();
		}

		@Override
		public String toString() {
			return getTypeName();
		}

	}

}
