package io.asyncqueue.spring;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.spring.event.ApplicationEventQueueObserver;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the consumer of one queue in this process as a {@link SmartLifecycle}: its
 * {@link QueueWorker} starts with the application context, after the Redis connection, and stops
 * before it. A {@link QueueContainerRegistry} holds the containers of an application and starts and
 * stops them together; get one from it to stop or start a single queue at runtime.
 *
 * <p>Stopping is graceful: fetching stops at once, running jobs get up to the stop timeout to finish,
 * and the rest are interrupted and put back to waiting without counting the attempt, so no job is
 * lost.
 *
 * @since 0.1.0
 */
public class QueueContainer implements SmartLifecycle {

	private final QueueWorker worker;

	private final List<JobDefinition<?>> jobs;

	private final boolean autoStartup;

	private final Duration stopTimeout;

	private int phase = QueueContainerRegistry.DEFAULT_PHASE;

	/**
	 * A container for the worker the builder makes.
	 * @param workerBuilder the worker's builder, with its jobs; when an event publisher is given, the
	 * container adds an {@link ApplicationEventQueueObserver} whose events have this container as source
	 * @param eventPublisher where to publish job events, or {@code null} for none
	 * @param autoStartup whether the registry starts this container with the application
	 * @param stopTimeout how long running jobs may take to finish when the container stops
	 */
	public QueueContainer(QueueWorker.Builder workerBuilder, @Nullable ApplicationEventPublisher eventPublisher,
			boolean autoStartup, Duration stopTimeout) {
		this(workerBuilder, List.of(), eventPublisher, autoStartup, stopTimeout);
	}

	/**
	 * A container for the worker the builder makes, running the given jobs.
	 * @param workerBuilder the worker's builder; the container adds the jobs to it and, when an event
	 * publisher is given, an {@link ApplicationEventQueueObserver} whose events have this container as source
	 * @param jobs the jobs the worker runs, as {@link #getJobs()} describes them
	 * @param eventPublisher where to publish job events, or {@code null} for none
	 * @param autoStartup whether the registry starts this container with the application
	 * @param stopTimeout how long running jobs may take to finish when the container stops
	 */
	public QueueContainer(QueueWorker.Builder workerBuilder, List<JobDefinition<?>> jobs,
			@Nullable ApplicationEventPublisher eventPublisher, boolean autoStartup, Duration stopTimeout) {
		Objects.requireNonNull(workerBuilder, "workerBuilder");
		this.jobs = List.copyOf(jobs);
		this.jobs.forEach(workerBuilder::job);
		if (eventPublisher != null) {
			workerBuilder.observer(new ApplicationEventQueueObserver(eventPublisher, this));
		}
		this.worker = workerBuilder.build();
		this.autoStartup = autoStartup;
		this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
	}

	/** The queue's name. */
	public String getQueue() {
		return this.worker.settings().name();
	}

	/** The queue's settings. */
	public QueueSettings getSettings() {
		return this.worker.settings();
	}

	/**
	 * The jobs given to the constructor, with their own overrides of the queue's settings.
	 * @return the jobs, in the order given
	 */
	public List<JobDefinition<?>> getJobs() {
		return this.jobs;
	}

	/** How many jobs are running in this process now. */
	public int getActiveJobs() {
		return this.worker.activeJobs();
	}

	/**
	 * How many jobs beyond its concurrency this consumer may hold reserved now: the queue's {@code prefetch} when
	 * set, else what it adapted to.
	 * @return the prefetch
	 * @since 0.7.0
	 */
	public int getPrefetch() {
		return this.worker.prefetch();
	}

	/**
	 * Why the consumer cannot consume right now, in words an operator can act on (for example "Redis is
	 * out of memory (...)"), from its last failed fetch.
	 * @return the problem, or {@code null} while fetches succeed or the container is stopped
	 */
	public @Nullable String getConsumptionProblem() {
		return isRunning() ? this.worker.consumptionProblem() : null;
	}

	/** How long running jobs may take to finish when the container stops. */
	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	/** Start consuming; does nothing when already running. */
	@Override
	public void start() {
		this.worker.start();
	}

	/** Stop gracefully, waiting for running jobs up to the stop timeout. */
	@Override
	public void stop() {
		this.worker.stop(this.stopTimeout);
	}

	/**
	 * Stop gracefully on a thread of its own, then run the callback (always).
	 * @param callback run once the container has stopped
	 */
	@Override
	public void stop(Runnable callback) {
		if (!isRunning()) {
			callback.run();
			return;
		}
		Thread stopper = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "async-queue-" + getQueue() + "-stop");
		stopper.setDaemon(true);
		stopper.start();
	}

	@Override
	public boolean isRunning() {
		return this.worker.isRunning();
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	/**
	 * Set the phase, when the container is used as a bean of its own.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	@Override
	public String toString() {
		return "QueueContainer[queue=" + getQueue() + ", running=" + isRunning() + "]";
	}

}
