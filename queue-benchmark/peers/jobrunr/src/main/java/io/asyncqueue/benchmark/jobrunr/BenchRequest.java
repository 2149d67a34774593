package io.asyncqueue.benchmark.jobrunr;

import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The benchmark job as a JobRunr {@link JobRequest} (its command/handler API: no lambda to analyse on
 * every enqueue). The same fields as the other adapters' payloads: {@code i} the job's number (-1 for
 * priming jobs), {@code t} the producer's clock at the push, {@code due} the due time of a delayed job
 * (epoch µs), {@code data} the fill scenario's payload.
 */
public class BenchRequest implements JobRequest {

	private int i;

	private long t;

	private long due;

	private String data;

	public BenchRequest() {
	}

	static BenchRequest of(int i) {
		BenchRequest request = new BenchRequest();
		request.i = i;
		return request;
	}

	@Override
	public Class<BenchHandler> getJobRequestHandler() {
		return BenchHandler.class;
	}

	public int getI() {
		return this.i;
	}

	public void setI(int i) {
		this.i = i;
	}

	public long getT() {
		return this.t;
	}

	public void setT(long t) {
		this.t = t;
	}

	public long getDue() {
		return this.due;
	}

	public void setDue(long due) {
		this.due = due;
	}

	public String getData() {
		return this.data;
	}

	public void setData(String data) {
		this.data = data;
	}

}
