package io.asyncqueue.dashboard;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The small JSON endpoint an open page polls: counts, switches and the last hour of every queue shown
 * (four commands per queue), and the last day only when asked.
 *
 * @since 0.2.0
 */
@RestController
@RequestMapping("${async-queue.dashboard.path:/async-queue}/api")
public class DashboardApi {

	private final DashboardReader reader;

	/**
	 * The endpoint.
	 * @param reader what it reads
	 */
	public DashboardApi(DashboardReader reader) {
		this.reader = reader;
	}

	@GetMapping("/snapshot")
	ResponseEntity<Snapshot> snapshot(@RequestParam(required = false) @Nullable String queue,
			@RequestParam(defaultValue = "false") boolean day) {
		List<String> queues;
		if (queue == null) {
			queues = this.reader.queueNames();
		}
		else if (this.reader.isDeclared(queue)) {
			queues = List.of(queue);
		}
		else {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No queue named '" + queue + "' is declared");
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(this.reader.snapshot(queues, day));
	}

}
