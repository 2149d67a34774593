package io.asyncqueue.core;

/**
 * A queue setting has a value the engine cannot work with. It names the queue, the setting (in the
 * kebab-case used by {@code async-queue.queues.<name>.<setting>}) and what a valid value is.
 *
 * @since 0.1.0
 */
public class InvalidQueueSettingException extends IllegalArgumentException {

	private final String queue;

	private final String setting;

	private final String requirement;

	public InvalidQueueSettingException(String queue, String setting, String requirement) {
		super("Queue '" + queue + "': " + setting + " " + requirement);
		this.queue = queue;
		this.setting = setting;
		this.requirement = requirement;
	}

	/** The queue whose setting is invalid. */
	public String getQueue() {
		return this.queue;
	}

	/** The setting, in kebab-case. */
	public String getSetting() {
		return this.setting;
	}

	/** What a valid value looks like. */
	public String getRequirement() {
		return this.requirement;
	}

}
