package io.asyncqueue.dashboard;

import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.ReloadResult;
import io.asyncqueue.core.schedule.ScheduleOperations;

import org.springframework.boot.convert.DurationStyle;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * What an operator does from the dashboard: pause and resume, close and open pushes, retry and delete parked
 * jobs one, many or all at a time, set and clear a queue's limits at run time, pause, resume and trigger a
 * recurring job. Each action answers with a redirect back to the page it came from (so a
 * reload never repeats it), saying what was done. Refused with 403 unless writes are enabled.
 *
 * @since 0.2.0
 */
@Controller
@RequestMapping("${async-queue.dashboard.path:/async-queue}/queues/{queue}")
public class DashboardActions {

	/** The flash attribute that carries what an action did to the page it returns to. */
	static final String DONE = "done";

	private final QueueOperations operations;

	private final DashboardReader reader;

	private final DashboardSettings settings;

	private final @Nullable ScheduleOperations schedules;

	/**
	 * The actions.
	 * @param operations what they do
	 * @param reader which queues exist
	 * @param settings whether writes are enabled
	 * @param schedules what the schedule actions do, or {@code null} when this application has none
	 */
	public DashboardActions(QueueOperations operations, DashboardReader reader, DashboardSettings settings,
			@Nullable ScheduleOperations schedules) {
		this.operations = operations;
		this.schedules = schedules;
		this.reader = reader;
		this.settings = settings;
	}

	@PostMapping("/{switch:pause|resume|close-pushes|open-pushes}")
	ResponseEntity<Void> toggle(@PathVariable String queue, @PathVariable("switch") String which,
			HttpServletRequest request, HttpServletResponse response) {
		requireWritable(queue);
		boolean changed = switch (which) {
			case "pause" -> this.operations.pause(queue);
			case "resume" -> this.operations.resume(queue);
			case "close-pushes" -> this.operations.closePushes(queue);
			default -> this.operations.openPushes(queue);
		};
		String done = which.replace('-', ' ') + (changed ? ": done" : ": already so");
		return back(request, response, links(request).queue(queue), done);
	}

	@PostMapping("/{state:failed|timeout}/{action:retry|delete}")
	ResponseEntity<Void> many(@PathVariable String queue, @PathVariable String state, @PathVariable String action,
			@RequestParam(name = "id", required = false) @Nullable List<String> ids,
			@RequestParam(defaultValue = "false") boolean all, HttpServletRequest request,
			HttpServletResponse response) {
		requireWritable(queue);
		JobState parked = JobState.valueOf(state.toUpperCase());
		String done;
		if (all) {
			done = action.equals("retry") ? describe(this.operations.reloadAll(queue, parked))
					: this.operations.flush(queue, parked) + " deleted";
		}
		else {
			List<String> chosen = (ids != null) ? ids : List.of();
			done = action.equals("retry") ? describe(retry(queue, chosen)) : delete(queue, chosen) + " deleted";
		}
		return back(request, response, links(request).parked(queue, state), done);
	}

	@PostMapping("/jobs/{id}/{action:retry|delete}")
	ResponseEntity<Void> one(@PathVariable String queue, @PathVariable String id, @PathVariable String action,
			HttpServletRequest request, HttpServletResponse response) {
		requireWritable(queue);
		if (action.equals("retry")) {
			// to the queue: the job may well have run and be gone by the time the page loads
			return back(request, response, links(request).queue(queue),
					"job " + id + ": " + describe(this.operations.retry(queue, id)));
		}
		return back(request, response, links(request).queue(queue), this.operations.delete(queue, id) ? "job " + id + " deleted"
				: "job " + id + " was already gone");
	}

	@PostMapping("/schedules/{name}/{action:pause|resume|trigger}")
	ResponseEntity<Void> schedule(@PathVariable String queue, @PathVariable String name, @PathVariable String action,
			HttpServletRequest request, HttpServletResponse response) {
		requireWritable(queue);
		if (this.schedules == null || this.schedules.schedule(queue, name) == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No schedule named '" + name + "' is registered on queue '" + queue + "'");
		}
		String done = switch (action) {
			case "pause" -> this.schedules.pause(queue, name) ? "paused" : "was already paused";
			case "resume" -> this.schedules.resume(queue, name) ? "resumed" : "was not paused";
			// an instance's scheduler pushes the job within about a second
			default -> this.schedules.trigger(queue, name) ? "triggered: an instance pushes its job within a second"
					: "a trigger already waits for an instance";
		};
		return back(request, response, links(request).queue(queue), "schedule " + name + " " + done);
	}

	/**
	 * Store limits in Redis for every instance: a field left empty keeps its limit, zero removes it. Invalid
	 * limits change nothing and answer 400 with the reason as text (a form has no page to show it on).
	 */
	@PostMapping("/limits")
	ResponseEntity<?> limits(@PathVariable String queue,
			@RequestParam(name = "global-concurrency", required = false) @Nullable Integer globalConcurrency,
			@RequestParam(name = "rate-max", required = false) @Nullable Integer rateMax,
			@RequestParam(name = "rate-period", required = false) @Nullable String ratePeriod,
			@RequestParam(name = "group-concurrency", required = false) @Nullable Integer groupConcurrency,
			HttpServletRequest request, HttpServletResponse response) {
		requireWritable(queue);
		if (globalConcurrency == null && rateMax == null && groupConcurrency == null) {
			return invalid(queue, "give global-concurrency or rate-max (0 removes a limit), or group-concurrency");
		}
		boolean periodGiven = ratePeriod != null && !ratePeriod.isBlank();
		if (rateMax == null && periodGiven) {
			return invalid(queue, "a rate-period needs its rate-max (give both, or the max alone to keep the period)");
		}
		FlowLimits limits;
		try {
			// every value is checked before any is stored: a refused form changes nothing
			Duration period = periodGiven ? DurationStyle.detectAndParse(ratePeriod.trim()) : null;
			if (period == null && rateMax != null && rateMax > 0) {
				// the field left empty keeps the period of the rate limit in force (1s when there is none)
				RateLimit current = this.operations.limits(queue).rateLimit();
				period = (current != null) ? current.period() : null;
			}
			limits = this.operations.setLimits(queue, globalConcurrency, rateMax, period, groupConcurrency);
		}
		catch (IllegalArgumentException ex) {
			return invalid(queue, ex.getMessage());
		}
		return back(request, response, links(request).queue(queue), "limits set at run time: " + describe(limits));
	}

	private static ResponseEntity<String> invalid(String queue, String reason) {
		return ResponseEntity.badRequest()
			.contentType(MediaType.TEXT_PLAIN)
			.body("Limits of queue '" + queue + "' not changed: " + reason
					+ ". Use a whole number for global-concurrency, rate-max and group-concurrency, a duration such as 1s or 500ms for the period.");
	}

	@PostMapping("/limits/clear")
	ResponseEntity<Void> clearLimits(@PathVariable String queue, HttpServletRequest request,
			HttpServletResponse response) {
		requireWritable(queue);
		return back(request, response, links(request).queue(queue),
				"limits cleared, each instance obeys its configuration: " + describe(this.operations.clearLimits(queue)));
	}

	private static String describe(@Nullable FlowLimits limits) {
		if (limits == null) {
			return "";
		}
		RateLimit rate = limits.rateLimit();
		return "global-concurrency " + ((limits.globalConcurrency() > 0) ? limits.globalConcurrency() : "none")
				+ ", rate-limit " + ((rate != null) ? rate : "none") + ", group-concurrency " + limits.groupConcurrency();
	}

	private ReloadResult retry(String queue, List<String> ids) {
		ReloadResult total = ReloadResult.NONE;
		for (String id : ids) {
			total = total.and(this.operations.retry(queue, id));
		}
		return total;
	}

	private long delete(String queue, List<String> ids) {
		return ids.stream().filter((id) -> this.operations.delete(queue, id)).count();
	}

	private static String describe(ReloadResult result) {
		String done = result.moved() + " moved back to waiting";
		if (!result.skipped().isEmpty()) {
			done += ", " + result.skipped().size() + " left parked (their unique id is held by another job)";
		}
		return done;
	}

	private void requireWritable(String queue) {
		if (!this.settings.writesEnabled()) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN,
					"The dashboard is read-only: set async-queue.dashboard.writes-enabled=true to allow its actions");
		}
		if (!this.reader.isDeclared(queue)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No queue named '" + queue + "' is declared");
		}
	}

	private DashboardLinks links(HttpServletRequest request) {
		return new DashboardLinks(request.getContextPath() + this.settings.path());
	}

	/**
	 * Back to the page, which says what was done. The message travels as a flash attribute (in the session, for
	 * the next request of that page only), never in the URL: a crafted link could otherwise make the dashboard
	 * show any text as the outcome of an action.
	 */
	private static ResponseEntity<Void> back(HttpServletRequest request, HttpServletResponse response, String page,
			String done) {
		FlashMap flash = RequestContextUtils.getOutputFlashMap(request);
		flash.put(DONE, done);
		RequestContextUtils.saveOutputFlashMap(page, request, response);
		return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, page).build();
	}

}
