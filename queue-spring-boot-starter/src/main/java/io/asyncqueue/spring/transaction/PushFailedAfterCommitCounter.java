package io.asyncqueue.spring.transaction;

import java.util.List;

import io.asyncqueue.spring.event.PushFailedAfterCommitEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationListener;

/**
 * Counts the jobs pushed in a committed transaction that never reached Redis, as
 * {@value #NAME}{@code {queue, job}}: anything above zero means committed data without its job.
 *
 * @since 0.1.0
 */
public class PushFailedAfterCommitCounter implements ApplicationListener<PushFailedAfterCommitEvent> {

	/** The counter's name. */
	public static final String NAME = "asyncqueue.push.failed.after.commit";

	private final MeterRegistry registry;

	/**
	 * A counter in the given registry.
	 * @param registry the registry
	 */
	public PushFailedAfterCommitCounter(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onApplicationEvent(PushFailedAfterCommitEvent event) {
		List<String> jobNames = event.getJobNames();
		for (String jobName : jobNames) {
			Counter.builder(NAME)
				.description("Jobs pushed in a committed transaction that never reached Redis")
				.tag("queue", event.getQueue())
				.tag("job", jobName)
				.register(this.registry)
				.increment();
		}
	}

}
