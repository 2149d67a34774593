package io.asyncqueue.spring.readme;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.event.FailedEvent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Repository;
import org.springframework.stereotype.Service;

/**
 * The application of the README's "Use it in your app" section, as a user writes it: component
 * scanning finds the job, the YAML declares the queues.
 */
@SpringBootApplication
class ReadmeApplication {

}

record CreateOrder(String user, long item) {}

@QueueJob(queue = "orders")
class CreateOrderJob implements Job<CreateOrder> {
	private final OrderRepository orders;
	CreateOrderJob(OrderRepository orders) { this.orders = orders; }

	@Override
	public void handle(CreateOrder order, JobContext context) {
		orders.createOnce(context.id(), order);
	}
}

@Service
class Checkout {
	private final QueueTemplate queue;
	Checkout(QueueTemplate queue) { this.queue = queue; }

	String buy(String user, long item) {
		return queue.push(CreateOrderJob.class, new CreateOrder(user, item)).id();
	}

	private final List<FailedEvent> failed = new CopyOnWriteArrayList<>();

	@EventListener
	void onFailed(FailedEvent event) { failed.add(event); }

	List<FailedEvent> failed() { return failed; }
}

/** The application's own repository: orders created once per job id. */
@Repository
class OrderRepository {

	private final Map<String, CreateOrder> byJobId = new ConcurrentHashMap<>();

	void createOnce(String jobId, CreateOrder order) {
		if (order.item() < 0) {
			throw new IllegalArgumentException("no such item " + order.item());
		}
		this.byJobId.putIfAbsent(jobId, order);
	}

	Map<String, CreateOrder> byJobId() {
		return this.byJobId;
	}

}
