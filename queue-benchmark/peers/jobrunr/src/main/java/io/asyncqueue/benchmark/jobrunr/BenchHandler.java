package io.asyncqueue.benchmark.jobrunr;

import java.util.function.Consumer;

import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.springframework.stereotype.Component;

/** The one handler; what it does comes from the scenario. */
@Component
public class BenchHandler implements JobRequestHandler<BenchRequest> {

	static volatile Consumer<BenchRequest> handler = (request) -> {
	};

	@Override
	public void run(BenchRequest request) {
		handler.accept(request);
	}

}
