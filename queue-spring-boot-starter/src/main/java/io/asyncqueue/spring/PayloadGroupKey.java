package io.asyncqueue.spring;

import io.asyncqueue.core.PushOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * A job's group key derived from its payload: the SpEL expression of {@link QueueJob#group()}, evaluated with
 * the payload as {@code #payload} (and as the root object) each time a job of the class is pushed without a
 * group of its own.
 */
final class PayloadGroupKey {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final String source;

	private final Expression expression;

	private PayloadGroupKey(String source, Expression expression) {
		this.source = source;
		this.expression = expression;
	}

	/**
	 * Parse a job's group expression.
	 * @param source what declares it, for error messages
	 * @param expression the expression, placeholders resolved; blank for none
	 * @return the key, or {@code null} when the job has none
	 * @throws AsyncQueueConfigurationException when it is not a SpEL expression
	 */
	static @Nullable PayloadGroupKey parse(String source, String expression) {
		if (expression.isBlank()) {
			return null;
		}
		try {
			return new PayloadGroupKey(source, PARSER.parseExpression(expression));
		}
		catch (ParseException ex) {
			throw new AsyncQueueConfigurationException(null,
					source + ": group '" + expression + "' is not a SpEL expression: " + ex.getMessage(),
					"Name a property of the payload, such as group = \"#payload.customerId\" (a record's component: "
							+ "\"#payload.customerId()\").");
		}
	}

	/**
	 * The options with the group derived from the payload, unless they have one already.
	 * @param payload the payload
	 * @param options the options the job is pushed with
	 * @return the options in the payload's group
	 * @throws IllegalArgumentException when the expression gives no key for this payload
	 */
	PushOptions apply(@Nullable Object payload, PushOptions options) {
		if (options.group() != null) {
			return options;
		}
		StandardEvaluationContext context = new StandardEvaluationContext(payload);
		context.setVariable("payload", payload);
		Object key = this.expression.getValue(context);
		if (key == null) {
			throw new IllegalArgumentException(this.source + ": group expression '"
					+ this.expression.getExpressionString() + "' gave null for the payload " + payload
					+ "; give the payload a group key or push it with PushOptions.group(..)");
		}
		return options.withGroup(key.toString());
	}

	@Override
	public String toString() {
		return this.expression.getExpressionString();
	}

}
