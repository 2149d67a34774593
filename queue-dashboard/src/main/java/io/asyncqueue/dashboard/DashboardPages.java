package io.asyncqueue.dashboard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.monitor.JobSnapshot;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * The dashboard's pages, rendered on the server: overview, a queue (with its limits and schedules), its parked
 * jobs, a job, the instances.
 *
 * @since 0.2.0
 */
@Controller
@RequestMapping("${async-queue.dashboard.path:/async-queue}")
public class DashboardPages {

	private final DashboardReader reader;

	private final DashboardSettings settings;

	private final @Nullable QueueContainerRegistry containers;

	private final JsonMapper json;

	private final DashboardView view = new DashboardView();

	/**
	 * The pages.
	 * @param reader what they show
	 * @param settings how the dashboard behaves
	 * @param containers this application's consumers, for the jobs it runs and their overrides, or {@code null}
	 * @param json the mapper that pretty-prints payloads
	 */
	public DashboardPages(DashboardReader reader, DashboardSettings settings, @Nullable QueueContainerRegistry containers,
			JsonMapper json) {
		this.reader = reader;
		this.settings = settings;
		this.containers = containers;
		this.json = json;
	}

	@GetMapping({ "", "/" })
	ResponseEntity<String> overview(HttpServletRequest request) {
		Map<String, Object> model = model(request, "Queues");
		Snapshot snapshot = this.reader.snapshot(this.reader.queueNames(), true);
		model.put("snapshot", snapshot);
		model.put("snapshotJson", scriptSafe(this.json.writeValueAsString(snapshot)));
		model.put("api", links(request).api());
		return this.view.page("overview", model);
	}

	@GetMapping("/queues/{queue}")
	ResponseEntity<String> queue(@PathVariable String queue, HttpServletRequest request) {
		requireDeclared(queue);
		Map<String, Object> model = model(request, queue);
		Snapshot snapshot = this.reader.snapshot(List.of(queue), true);
		model.put("queue", snapshot.queues().get(0));
		model.put("snapshot", snapshot);
		model.put("snapshotJson", scriptSafe(this.json.writeValueAsString(snapshot)));
		model.put("api", links(request).api(queue));
		QueueContainer container = (this.containers != null) ? this.containers.getContainer(queue) : null;
		QueueSettings queueSettings = (container != null) ? container.getSettings()
				: this.reader.settings(queue);
		model.put("settings", settingsTable(queueSettings));
		model.put("jobs", (container != null) ? jobRows(container.getJobs(), queueSettings) : List.of());
		model.put("consumed", container != null);
		model.put("limits", LimitRows.of(this.reader.limits(queue)));
		model.put("schedules", this.reader.schedules(queue));
		return this.view.page("queue", model);
	}

	@GetMapping("/queues/{queue}/{state:failed|timeout}")
	ResponseEntity<String> parked(@PathVariable String queue, @PathVariable String state,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "") String job,
			@RequestParam(defaultValue = "") String error, HttpServletRequest request) {
		requireDeclared(queue);
		int current = Math.max(page, 0);
		int size = this.settings.pageSize();
		List<FailedJob> jobs = this.reader.parked(queue, JobState.valueOf(state.toUpperCase()), job.trim(),
				error.trim(), current, size);
		Map<String, Object> model = model(request, queue + " " + state);
		model.put("queue", queue);
		model.put("state", state);
		model.put("jobs", jobs.subList(0, Math.min(size, jobs.size())));
		model.put("page", current);
		model.put("hasNext", jobs.size() > size);
		model.put("jobFilter", job);
		model.put("errorFilter", error);
		model.put("filtered", !job.isBlank() || !error.isBlank());
		model.put("scanLimit", DashboardReader.FILTER_SCAN_LIMIT);
		return this.view.page("parked", model);
	}

	@GetMapping("/queues/{queue}/jobs/{id}")
	ResponseEntity<String> job(@PathVariable String queue, @PathVariable String id, HttpServletRequest request) {
		requireDeclared(queue);
		JobSnapshot job = this.reader.job(queue, id);
		if (job == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Queue '" + queue + "' has no job '" + id + "'");
		}
		Map<String, Object> model = model(request, "Job " + id);
		model.put("queue", queue);
		model.put("job", job);
		model.put("details", JobDetails.of(job, this.json));
		return this.view.page("job", model);
	}

	@GetMapping("/instances")
	ResponseEntity<String> instances(HttpServletRequest request) {
		Map<String, Object> model = model(request, "Instances");
		model.put("instances", this.reader.instances());
		return this.view.page("instances", model);
	}

	@GetMapping("/login")
	ResponseEntity<String> login(HttpServletRequest request, @RequestParam(required = false) String error) {
		Map<String, Object> model = model(request, "Sign in");
		model.put("error", error != null);
		return this.view.page("login", model);
	}

	private Map<String, Object> model(HttpServletRequest request, String title) {
		Map<String, Object> model = new HashMap<>();
		model.put("title", title);
		model.put("links", links(request));
		model.put("writes", this.settings.writesEnabled());
		model.put("refreshMillis", this.settings.refreshInterval().toMillis());
		// Spring Security's CsrfToken (parameterName, token), when Spring Security guards the dashboard
		model.put("csrf", request.getAttribute("_csrf"));
		model.put("user", (request.getUserPrincipal() != null) ? request.getUserPrincipal().getName() : null);
		// what an action just did: a flash attribute of this session, never a request parameter
		Map<String, ?> flash = RequestContextUtils.getInputFlashMap(request);
		model.put("done", (flash != null) ? flash.get(DashboardActions.DONE) : null);
		model.put("api", null);
		return model;
	}

	private DashboardLinks links(HttpServletRequest request) {
		return new DashboardLinks(request.getContextPath() + this.settings.path());
	}

	private void requireDeclared(String queue) {
		if (!this.reader.isDeclared(queue)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No queue named '" + queue + "' is declared");
		}
	}

	/** JSON inside a {@code <script type="application/json">}: no {@code </script>} can end it early. */
	private static String scriptSafe(String json) {
		return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
	}

	private static List<String[]> settingsTable(QueueSettings s) {
		return List.of(new String[] { "channel", s.channel() },
				new String[] { "consumers", String.valueOf(s.consumers()) },
				new String[] { "concurrency", String.valueOf(s.concurrency()) },
				new String[] { "fetch-batch-size", String.valueOf(s.fetchBatchSize()) },
				new String[] { "prefetch", String.valueOf(s.prefetch()) },
				new String[] { "max-attempts", String.valueOf(s.maxAttempts()) },
				new String[] { "handle-timeout", String.valueOf(s.handleTimeout()) },
				new String[] { "retry-backoff", String.valueOf(s.retryBackoff()) },
				new String[] { "lease-duration", String.valueOf(s.leaseDuration()) },
				new String[] { "max-stalls", String.valueOf(s.maxStalls()) },
				new String[] { "stalled-job-action", String.valueOf(s.stalledJobAction()) },
				new String[] { "shutdown-timeout", String.valueOf(s.shutdownTimeout()) },
				new String[] { "failed-retention", String.valueOf(s.failedRetention()) },
				new String[] { "failed-max-size", String.valueOf(s.failedMaxSize()) },
				new String[] { "max-payload-size", String.valueOf(s.maxPayloadSize()) },
				new String[] { "replicas", String.valueOf(s.replicas()) });
	}

	private static List<String[]> jobRows(List<JobDefinition<?>> jobs, QueueSettings queue) {
		return jobs.stream()
			.map((job) -> new String[] { job.name(), job.payloadType().getTypeName(),
					effective(job.maxAttempts(), job.maxAttempts(queue)),
					effective(job.handleTimeout(), job.handleTimeout(queue)),
					effective(job.retryBackoff(), job.retryBackoff(queue)) })
			.toList();
	}

	/** The value a job runs with, marked when the job overrides its queue's. */
	private static String effective(@Nullable Object override, Object value) {
		return (override != null) ? value + " (job override)" : String.valueOf(value);
	}

}
