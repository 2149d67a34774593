package io.asyncqueue.sample.flashsale;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import org.springframework.http.HttpStatus;

/**
 * The answer to a purchase attempt.
 *
 * @param outcome what happened
 * @param item the item's id
 * @param user the user's id
 * @param jobId the id of the job that will create the order, when queued
 * @param stockLeft units left after this attempt, when known
 * @param retryAfterMillis when rate limited, how long until the user may try again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "status", "item", "user", "jobId", "stockLeft", "retryAfterMillis" })
public record Purchase(Outcome outcome, String item, String user, String jobId, Long stockLeft,
		Long retryAfterMillis) {

	/** What a purchase attempt came to, and the HTTP status that says it. */
	public enum Outcome {

		/** A unit is the user's; the order job is queued. 202 Accepted: the order is created asynchronously. */
		QUEUED(HttpStatus.ACCEPTED),

		/** Nothing left. 410 Gone. */
		SOLD_OUT(HttpStatus.GONE),

		/** The user bought one already. 409 Conflict. */
		ALREADY_BOUGHT(HttpStatus.CONFLICT),

		/** Too many attempts by this user; try again after {@code Retry-After}. 429 Too Many Requests. */
		RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),

		/** No such item on sale. 404 Not Found. */
		NOT_ON_SALE(HttpStatus.NOT_FOUND),

		/** Redis or the queue is unavailable; nothing was taken. 503 Service Unavailable. */
		UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE);

		private final HttpStatus status;

		Outcome(HttpStatus status) {
			this.status = status;
		}

		public HttpStatus status() {
			return this.status;
		}

		/** The lower-case name the JSON uses, such as {@code sold_out}. */
		public String code() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** The outcome as the JSON shows it: {@code "status": "queued"}. */
	@JsonProperty("status")
	public String status() {
		return this.outcome.code();
	}

	@Override
	@JsonIgnore
	public Outcome outcome() {
		return this.outcome;
	}

	static Purchase of(Outcome outcome, String item, String user) {
		return new Purchase(outcome, item, user, null, null, null);
	}

}
