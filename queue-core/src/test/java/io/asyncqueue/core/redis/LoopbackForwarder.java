package io.asyncqueue.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback address in front of a real redis-server (standing in for a DNS name or a cloud endpoint): it forwards
 * each new connection to the port it points at when the connection is made. It can also lose a reply: the next
 * reply to a given client connection is dropped and that connection closed, as a network failure does after
 * Redis ran the call.
 */
final class LoopbackForwarder implements AutoCloseable {

	private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Set<Integer> cutNextReplyTo = ConcurrentHashMap.newKeySet();

	private volatile int target;

	LoopbackForwarder(int target) throws IOException {
		this.target = target;
		Thread acceptor = new Thread(this::accept, "forwarder");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	void pointTo(int target) {
		this.target = target;
	}

	/**
	 * Drop the next reply to the client connection from {@code clientPort} and close that connection.
	 * @param clientPort the client's local port
	 */
	void cutNextReplyTo(int clientPort) {
		this.cutNextReplyTo.add(clientPort);
	}

	private void accept() {
		try {
			while (true) {
				Socket client = this.server.accept();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
				this.sockets.add(client);
				this.sockets.add(upstream);
				pump(client.getInputStream(), upstream.getOutputStream(), null, null);
				pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	/** Copies {@code in} to {@code out}; replies (to {@code client}) may be cut. */
	private void pump(InputStream in, OutputStream out, Socket client, Socket upstream) {
		Thread pump = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (client != null && this.cutNextReplyTo.remove(client.getPort())) {
						client.close();
						upstream.close();
						return;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				try {
					out.close();
				}
				catch (IOException ex) {
					// already closed
				}
			}
		}, "forwarder-pump");
		pump.setDaemon(true);
		pump.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

}
