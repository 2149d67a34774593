package io.asyncqueue.benchmark;

import java.util.concurrent.ThreadFactory;

/**
 * What a drain's job does, the same in every adapter (peers/rqueue and peers/jobrunr have their own copy,
 * peers/bullmq its JavaScript twin): nothing ({@code work} absent), {@code work=cpu workMs=1} (keep the
 * thread busy that long) or {@code work=sleep workMs=20} (block that long, as an I/O call would).
 */
public final class Work {

	private Work() {
	}

	public static Runnable of(Args args) {
		String kind = args.string("work", "none");
		long nanos = (long) (args.decimal("workMs", 0) * 1e6);
		return switch (kind) {
			case "none" -> () -> {
			};
			case "cpu" -> () -> spin(nanos);
			case "sleep" -> () -> sleep(nanos);
			default -> throw new IllegalArgumentException("unknown work=" + kind + " (none, cpu or sleep)");
		};
	}

	private static void spin(long nanos) {
		long end = System.nanoTime() + nanos;
		while (System.nanoTime() < end) {
			Thread.onSpinWait();
		}
	}

	private static void sleep(long nanos) {
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Virtual threads' factory ({@code Thread.ofVirtual().factory()}) when this JVM has them (Java 21+); this
	 * module compiles for Java 17, hence the reflection.
	 * @return the factory, or null on a JVM without virtual threads
	 */
	public static ThreadFactory virtualThreads() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			// through the public interface: the builder's own class is not accessible
			return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

}
