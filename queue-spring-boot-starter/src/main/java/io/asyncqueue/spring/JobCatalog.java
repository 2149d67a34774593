package io.asyncqueue.spring;

import java.util.Collection;

/**
 * The jobs an application declares that take a payload ({@link QueueJob @QueueJob} classes and
 * {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} methods), so that
 * {@link QueueTemplate} can push to one by its name or by its payload's type.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface JobCatalog {

	/**
	 * The jobs known so far.
	 * @return the jobs, in the order they were declared
	 */
	Collection<JobMetadata> jobs();

}
