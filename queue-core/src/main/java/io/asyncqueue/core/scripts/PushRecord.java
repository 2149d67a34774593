package io.asyncqueue.core.scripts;

/**
 * One job for the push script.
 *
 * @param id the job id, made by the client so that a replayed push lands once
 * @param envelope the serialized envelope
 * @param delayMillis how long from now (Redis's clock) it waits before it is due
 * @param atMillis when it is due (epoch ms), or 0 to use the delay
 * @param uniqueId its unique id, or {@code null}
 * @since 0.2.0
 */
public record PushRecord(String id, String envelope, long delayMillis, long atMillis, String uniqueId) {

	public String[] arguments() {
		return new String[] { this.id, this.envelope, Long.toString(this.delayMillis), Long.toString(this.atMillis),
				(this.uniqueId != null) ? this.uniqueId : "" };
	}

}
