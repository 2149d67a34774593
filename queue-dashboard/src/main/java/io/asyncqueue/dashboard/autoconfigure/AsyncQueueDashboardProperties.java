package io.asyncqueue.dashboard.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the async-queue dashboard.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("async-queue.dashboard")
public class AsyncQueueDashboardProperties {

	/**
	 * Whether the dashboard is served.
	 */
	private boolean enabled;

	/**
	 * Path the dashboard is served at, starting with a slash.
	 */
	private String path = "/async-queue";

	/**
	 * Whether the dashboard's actions (retry, delete, pause, close pushes, limits, schedules) are allowed;
	 * read-only otherwise.
	 */
	private boolean writesEnabled;

	/**
	 * Role a signed-in user needs to use the dashboard when Spring Security is on the classpath, without the
	 * ROLE_ prefix.
	 */
	private String role = "ASYNC_QUEUE";

	/**
	 * Whether the dashboard may take writes without Spring Security on the classpath, so that anyone who can
	 * reach it can delete jobs; only for a dashboard no untrusted person can reach.
	 */
	private boolean allowUnsecured;

	/**
	 * How often an open page polls for fresh counts and history.
	 */
	private Duration refreshInterval = Duration.ofSeconds(5);

	/**
	 * Parked jobs per page.
	 */
	private int pageSize = 25;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public boolean isWritesEnabled() {
		return this.writesEnabled;
	}

	public void setWritesEnabled(boolean writesEnabled) {
		this.writesEnabled = writesEnabled;
	}

	public String getRole() {
		return this.role;
	}

	public void setRole(String role) {
		this.role = role;
	}

	public boolean isAllowUnsecured() {
		return this.allowUnsecured;
	}

	public void setAllowUnsecured(boolean allowUnsecured) {
		this.allowUnsecured = allowUnsecured;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public int getPageSize() {
		return this.pageSize;
	}

	public void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

}
