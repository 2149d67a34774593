package io.asyncqueue.benchmark.rqueue;

import java.util.function.Consumer;

import com.github.sonus21.rqueue.annotation.RqueueListener;
import org.springframework.stereotype.Component;

/** The one listener; which queues and how many threads come from the command line. */
@Component
public class BenchListener {

	static volatile Consumer<BenchJob> handler = (job) -> {
	};

	@RqueueListener(value = "${bench.queues}", concurrency = "${bench.concurrency}",
			batchSize = "${bench.batchSize}")
	public void onMessage(BenchJob job) {
		handler.accept(job);
	}

}
