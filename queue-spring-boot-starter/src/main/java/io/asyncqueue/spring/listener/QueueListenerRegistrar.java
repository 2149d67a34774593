package io.asyncqueue.spring.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.JobCatalog;
import io.asyncqueue.spring.JobMetadata;

/**
 * Collects the jobs the post-processors find on beans as they are created: the
 * {@link QueueListenerEndpoint endpoints} the consumers run, and every job that takes a payload for
 * {@link io.asyncqueue.spring.QueueTemplate QueueTemplate}'s pushes by name and payload type. The consumers
 * {@link #takeEndpoints() take} the endpoints once every singleton exists; an endpoint registered after that
 * (a lazy bean's) could never run, so it fails.
 *
 * @since 0.2.0
 */
public class QueueListenerRegistrar implements JobCatalog {

	private final ReentrantLock lock = new ReentrantLock();

	private final List<QueueListenerEndpoint> endpoints = new ArrayList<>();

	private final List<JobMetadata> jobs = new ArrayList<>();

	private boolean taken;

	/**
	 * Register a job declared on a bean method.
	 * @param endpoint the endpoint
	 * @throws AsyncQueueConfigurationException when the consumers were built already
	 */
	public void register(QueueListenerEndpoint endpoint) {
		this.lock.lock();
		try {
			if (this.taken) {
				throw new AsyncQueueConfigurationException(null,
						endpoint.getMetadata().source() + " of bean '" + endpoint.getBeanName()
								+ "' was found after the consumers were built: the bean was created late (lazily?)",
						"Make bean '" + endpoint.getBeanName() + "' a singleton that is not lazy (no @Lazy, and "
								+ "spring.main.lazy-initialization off for it), so that its jobs are known at startup.");
			}
			this.endpoints.add(endpoint);
			if (endpoint.takesPayload()) {
				this.jobs.add(endpoint.getMetadata());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Register a {@link io.asyncqueue.spring.QueueJob @QueueJob} class for pushes by name and payload type
	 * (its bean runs on the consumers by itself).
	 * @param job the job
	 */
	public void registerJob(JobMetadata job) {
		this.lock.lock();
		try {
			this.jobs.add(job);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The endpoints found so far, for the consumers to run; none may be registered afterwards.
	 * @return the endpoints, in registration order
	 */
	public List<QueueListenerEndpoint> takeEndpoints() {
		this.lock.lock();
		try {
			this.taken = true;
			return List.copyOf(this.endpoints);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public Collection<JobMetadata> jobs() {
		this.lock.lock();
		try {
			return List.copyOf(this.jobs);
		}
		finally {
			this.lock.unlock();
		}
	}

}
