package io.asyncqueue.dashboard;

import java.time.Duration;

/**
 * How the dashboard behaves, from {@code async-queue.dashboard.*}.
 *
 * @param path where it is served, such as {@code /async-queue}
 * @param writesEnabled whether its actions (retry, delete, pause, close pushes) are allowed
 * @param refreshInterval how often an open page polls for fresh numbers
 * @param pageSize parked jobs per page
 * @since 0.2.0
 */
public record DashboardSettings(String path, boolean writesEnabled, Duration refreshInterval, int pageSize) {

}
