package io.asyncqueue.benchmark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The batched-push and storage-fill scenarios, written once for every Java adapter: each supplies only
 * how it enqueues a batch of jobs.
 */
public final class Scenarios {

	private Scenarios() {
	}

	/** Enqueue jobs {@code from .. from+size-1} in one call, with this payload (null for none). */
	@FunctionalInterface
	public interface BatchPush {

		void push(int from, int size, String data);

	}

	/** Enqueue the fill scenario's jobs, each with this payload. */
	@FunctionalInterface
	public interface FillPush {

		void push(int jobs, String data) throws InterruptedException;

	}

	/**
	 * One producer, batches of {@code batch} jobs, one batch at a time, after {@code warmup} jobs' worth of
	 * batches; up to {@code jobs} jobs or {@code seconds}.
	 */
	public static Map<String, Object> pushBatch(Args args, BatchPush push) {
		int jobs = args.integer("jobs", 200_000);
		int batch = args.integer("batch", 1000);
		int warmupBatches = Math.max(1, args.integer("warmup", 2000) / batch);
		for (int w = 0; w < warmupBatches; w++) {
			push.push(0, batch, null);
		}
		long deadline = System.nanoTime() + (long) (args.decimal("seconds", 5) * 1e9);
		Protocol.mark("start");
		long start = System.nanoTime();
		int n = 0;
		while (n < jobs && System.nanoTime() < deadline) {
			int size = Math.min(batch, jobs - n);
			push.push(n, size, null);
			n += size;
		}
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		Map<String, Object> figures = Stats.rate(n, elapsed);
		figures.put("batch", batch);
		return figures;
	}

	/**
	 * With no worker: tell the driver we are ready, push {@code jobs} jobs with a {@code payloadBytes} payload
	 * when it says go, tell it when they are pushed, and wait for it to have measured the storage.
	 */
	public static Map<String, Object> fill(Args args, FillPush push) throws InterruptedException {
		int jobs = args.integer("jobs", 20_000);
		int payloadBytes = args.integer("payloadBytes", 1024);
		Protocol.event("ready");
		Protocol.await("go");
		push.push(jobs, "x".repeat(payloadBytes));
		Protocol.event("pushed");
		Protocol.await("stop");
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("jobs", jobs);
		figures.put("payloadBytes", payloadBytes);
		return figures;
	}

	/** A fill in batches of 100 jobs, for an adapter with a batch enqueue. */
	public static FillPush inBatches(BatchPush push) {
		return (jobs, data) -> {
			for (int n = 0; n < jobs; n += 100) {
				push.push(n, Math.min(100, jobs - n), data);
			}
		};
	}

}
