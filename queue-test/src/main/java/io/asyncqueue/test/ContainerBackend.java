package io.asyncqueue.test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis container started through Testcontainers. This is the only class that refers to Testcontainers;
 * it is loaded only after {@link RedisServer} checked that Testcontainers is on the class path.
 *
 * <p>The container publishes Redis on a fixed host port (bound to 127.0.0.1 when Docker runs locally) so
 * that {@code stop()}/{@code startAgain()} keep the port; they stop and start the same container, so its
 * {@code /data} volume, and with it the append-only file, survives.
 */
final class ContainerBackend implements Backend {

	private static final int REDIS_PORT = 6379;
	private static final int OUTPUT_CHARS = 4000;

	private final String image;
	private final String host;
	private final boolean localDocker;
	private GenericContainer<?> container;

	ContainerBackend(String image) {
		DockerClientFactory docker = DockerClientFactory.instance();
		if (!docker.isDockerAvailable()) {
			throw new IllegalStateException("The TESTCONTAINERS Redis provider needs Docker, and Testcontainers "
					+ "found no working Docker environment (see the Testcontainers log above for what it tried). "
					+ "Start Docker, or use another provider: " + RedisServerProvider.PROVIDER_PROPERTY
					+ "=path|embedded|auto.");
		}
		String dockerHost = docker.dockerHostIpAddress();
		this.localDocker = isLoopback(dockerHost);
		this.host = localDocker ? "127.0.0.1" : dockerHost;
		this.image = image;
	}

	private static boolean isLoopback(String host) {
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		} catch (Exception e) {
			return false;
		}
	}

	@Override
	public void launch(int port, Path dataDir, boolean appendOnly, Duration startupTimeout) {
		if (container != null) {
			DockerClient client = container.getDockerClient();
			try {
				client.startContainerCmd(container.getContainerId()).exec();
			} catch (NotModifiedException alreadyRunning) {
				// fine
			}
			return;
		}
		Ports.Binding binding = localDocker ? Ports.Binding.bindIpAndPort("127.0.0.1", port) : Ports.Binding.bindPort(port);
		GenericContainer<?> created = new GenericContainer<>(DockerImageName.parse(image))
				.withExposedPorts(REDIS_PORT)
				.withCommand("redis-server", "--port", String.valueOf(REDIS_PORT), "--save", "",
						"--appendonly", appendOnly ? "yes" : "no", "--protected-mode", "no")
				.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
						.withPublishAllPorts(false)
						.withPortBindings(new PortBinding(binding, ExposedPort.tcp(REDIS_PORT))))
				.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1))
				.withStartupTimeout(startupTimeout);
		container = created;
		try {
			created.start();
		} catch (RuntimeException e) {
			String output = output();
			dispose();
			container = null;
			throw new IllegalStateException("Could not start a " + image + " container on port " + port + ": " + e.getMessage()
					+ "\nContainer output:\n" + output, e);
		}
	}

	@Override
	public boolean isAlive() {
		try {
			return container != null && container.getContainerId() != null && container.isRunning();
		} catch (RuntimeException e) {
			return false;
		}
	}

	@Override
	public void terminate(boolean graceful) {
		if (container == null || container.getContainerId() == null) {
			return;
		}
		try {
			container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(graceful ? 10 : 1).exec();
		} catch (NotModifiedException alreadyStopped) {
			// fine
		} catch (RuntimeException e) {
			// the container may be gone already; dispose() removes what is left
		}
	}

	@Override
	public String output() {
		try {
			String logs = container == null || container.getContainerId() == null ? "" : container.getLogs().strip();
			if (logs.isEmpty()) {
				return "(no output)";
			}
			return logs.length() <= OUTPUT_CHARS ? logs : "..." + logs.substring(logs.length() - OUTPUT_CHARS);
		} catch (RuntimeException e) {
			return "(could not read the container's output: " + e + ")";
		}
	}

	@Override
	public String host() {
		return host;
	}

	@Override
	public String origin() {
		String id = container == null || container.getContainerId() == null ? "not created" : container.getContainerId();
		return "Docker image " + image + " (container " + id.substring(0, Math.min(12, id.length())) + ")";
	}

	@Override
	public RedisServerProvider provider() {
		return RedisServerProvider.TESTCONTAINERS;
	}

	@Override
	public boolean owns(long reportedPid) {
		return true; // the port is published by our container only; Docker refuses to bind a taken port
	}

	@Override
	public String binaryVersion() {
		return null;
	}

	@Override
	public void dispose() {
		if (container != null) {
			try {
				container.stop(); // stops and removes the container and its volumes
			} catch (RuntimeException ignored) {
				// Testcontainers' reaper removes it at JVM exit anyway
			}
		}
	}
}
