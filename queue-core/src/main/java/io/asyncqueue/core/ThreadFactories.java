package io.asyncqueue.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for workers: platform threads, or virtual threads on Java 21 and later (looked up
 * reflectively so that the engine still runs on Java 17).
 *
 * @since 0.1.0
 */
public final class ThreadFactories {

	private ThreadFactories() {
	}

	/**
	 * Named daemon platform threads.
	 * @param prefix the name prefix
	 * @return the factory
	 */
	public static ThreadFactory platform(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Whether this JVM has virtual threads (Java 21 or later). */
	public static boolean virtualThreadsAvailable() {
		return Runtime.version().feature() >= 21;
	}

	/**
	 * Named virtual threads.
	 * @param prefix the name prefix
	 * @return the factory
	 * @throws UnsupportedOperationException on Java 17 to 20
	 */
	public static ThreadFactory virtual(String prefix) {
		if (!virtualThreadsAvailable()) {
			throw new UnsupportedOperationException("Virtual threads need Java 21 or later; this JVM is "
					+ Runtime.version() + ". Run on Java 21+ or turn virtual threads off.");
		}
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
			Object builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualType))
				.invoke();
			MethodHandle name = lookup.findVirtual(ofVirtualType, "name",
					MethodType.methodType(ofVirtualType, String.class, long.class));
			builder = name.invoke(builder, prefix, 1L);
			MethodHandle factory = lookup.findVirtual(builderType, "factory", MethodType.methodType(ThreadFactory.class));
			return (ThreadFactory) factory.invoke(builder);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Could not create a virtual thread factory", ex);
		}
	}

}
