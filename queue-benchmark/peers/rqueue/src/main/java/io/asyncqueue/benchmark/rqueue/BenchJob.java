package io.asyncqueue.benchmark.rqueue;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The payload: the same fields as the other adapters' JSON maps ({@code i}, {@code t}, {@code due}, {@code data}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BenchJob {

	private Integer i;

	private Long t;

	private Long due;

	private String data;

	public BenchJob() {
	}

	public static BenchJob of(int i) {
		BenchJob job = new BenchJob();
		job.i = i;
		return job;
	}

	public Integer getI() {
		return this.i;
	}

	public void setI(Integer i) {
		this.i = i;
	}

	public Long getT() {
		return this.t;
	}

	public void setT(Long t) {
		this.t = t;
	}

	public Long getDue() {
		return this.due;
	}

	public void setDue(Long due) {
		this.due = due;
	}

	public String getData() {
		return this.data;
	}

	public void setData(String data) {
		this.data = data;
	}

}
