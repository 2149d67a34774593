package io.asyncqueue.dashboard;

import org.springframework.web.util.UriUtils;

/**
 * The dashboard's URLs, built with every queue name and job id encoded as a path segment; templates use it
 * as {@code links}.
 *
 * @param base the dashboard's path, such as {@code /async-queue}
 */
record DashboardLinks(String base) {

	public String home() {
		return this.base;
	}

	public String instances() {
		return this.base + "/instances";
	}

	public String asset(String name) {
		return this.base + "/assets/" + name;
	}

	public String api() {
		return this.base + "/api/snapshot";
	}

	public String api(String queue) {
		return api() + "?queue=" + UriUtils.encodeQueryParam(queue, "UTF-8");
	}

	public String queue(String queue) {
		return this.base + "/queues/" + segment(queue);
	}

	public String queueAction(String queue, String action) {
		return queue(queue) + "/" + action;
	}

	public String scheduleAction(String queue, String schedule, String action) {
		return queue(queue) + "/schedules/" + segment(schedule) + "/" + action;
	}

	public String parked(String queue, String state) {
		return queue(queue) + "/" + state;
	}

	public String parked(String queue, String state, int page, String job, String error) {
		return parked(queue, state) + "?page=" + page + "&job=" + UriUtils.encodeQueryParam(job, "UTF-8") + "&error="
				+ UriUtils.encodeQueryParam(error, "UTF-8");
	}

	public String job(String queue, String id) {
		return queue(queue) + "/jobs/" + segment(id);
	}

	public String login() {
		return this.base + "/login";
	}

	public String logout() {
		return this.base + "/logout";
	}

	private static String segment(String value) {
		return UriUtils.encodePathSegment(value, "UTF-8");
	}

}
