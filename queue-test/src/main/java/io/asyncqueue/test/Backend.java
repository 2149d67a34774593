package io.asyncqueue.test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Runs the actual server: a local process or a container. Not thread-safe; RedisServer serializes calls. */
interface Backend {

	/** Launches the server on the port and returns without waiting for it to answer. */
	void launch(int port, Path dataDir, boolean appendOnly, Duration startupTimeout) throws IOException;

	/** Whether the launched server may still be running. */
	boolean isAlive();

	/**
	 * Makes sure the server is gone. With {@code graceful} (SHUTDOWN was accepted) it first waits a few
	 * seconds for it to exit by itself; then it is terminated, then killed.
	 */
	void terminate(boolean graceful);

	/** Ends the server abruptly, as a crash would (SIGKILL for a process). */
	default void kill() {
		terminate(false);
	}

	/** The last lines the server printed, for error messages; never null. */
	String output();

	/** The host to connect to. */
	String host();

	/** Where the server comes from, e.g. {@code /usr/bin/redis-server}. */
	String origin();

	/** The provider that was actually used (never AUTO). */
	RedisServerProvider provider();

	/**
	 * Whether the server answering on the port is ours, given the {@code process_id} it reports in INFO
	 * (so that a foreign server already listening on the port is never mistaken for ours).
	 */
	boolean owns(long reportedPid);

	/** The version of the binary, when known before starting; may be null. */
	String binaryVersion();

	/** Releases everything for good (e.g. removes the container). */
	void dispose();
}
