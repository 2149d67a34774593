package io.asyncqueue.core;

/**
 * Wraps every handler invocation on the handler's own thread, for concerns that must surround the
 * call: a tracing span continued from the producer's headers, an MDC, a transaction. Interceptors
 * run in the order they were added, the first outermost. An exception an interceptor throws fails the
 * attempt like a handler exception.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JobInterceptor {

	/**
	 * Run around one invocation; call {@code invocation.proceed()} exactly once to run the handler.
	 * @param job the execution
	 * @param invocation the rest of the chain
	 * @throws Exception the handler's or the interceptor's failure
	 */
	void intercept(JobInfo job, Invocation invocation) throws Exception;

	/** The rest of the chain: the next interceptor or the handler. */
	@FunctionalInterface
	interface Invocation {

		/**
		 * Continue.
		 * @throws Exception the handler's failure
		 */
		void proceed() throws Exception;

	}

}
