package io.asyncqueue.dashboard;

import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.test.EmbeddedRedis;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The test application on a random port against the shared redis-server, with what the tests push through
 * and look at; classes without properties of their own share one running application.
 */
@EmbeddedRedis
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class DashboardTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	QueueClient client;

	@Autowired
	QueueOperations operations;

	@Autowired
	DashboardTestApplication.Recorder recorder;

	String push(String order) {
		return this.client.push("orders", "create-order", order).id();
	}

}
