package io.asyncqueue.core.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.internal.ExceptionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain blocking connection to the master, written and read on the calling thread, for a caller that waits for
 * its own call anyway (a synchronous push to an idle client). A call through Lettuce crosses two threads: the
 * caller hands the command to the event loop and the event loop hands the reply back, each a wake-up of a parked
 * thread; on a small virtual machine those two hand-offs are half of a push's round trip (issue 18:
 * {@code TransportProbe} measured 1.8–2.3× the calls per second one thread gets through Lettuce).
 *
 * <p>It only ever takes a call it can make at once: {@link #tryCall} returns {@code null}, having written nothing,
 * while the connection is not open or another thread is using it, and the caller goes the usual way. It opens on a
 * background thread after the first call that wanted it, and after a failure again at most once per
 * {@link #REOPEN_INTERVAL}, so a call never waits for a connect, and during an outage every call goes the usual way
 * (whose failures are the ones callers are promised). The connector resets it when it moves to another master.
 *
 * <p>Its failures, when it took a call, are Lettuce's own for the same event: an error reply is the exception Lettuce
 * makes of it ({@link ExceptionFactory#createExecutionException}), no reply within the command timeout is Lettuce's
 * timeout; a connection lost once the call was (perhaps) written, or a {@code READONLY} answer, is {@link Lost}:
 * only an idempotent call may then be replayed the usual way.
 *
 * <p>Not used with TLS, a Unix socket, a Redis Cluster, or a credentials provider that streams rotating credentials:
 * the connector then has none. Lettuce's command listeners and tracing do not see its calls.
 *
 * @since 0.3.0
 */
public final class DirectConnection implements AutoCloseable {

	/** Least time between a failure (or a failed open) and the next attempt to open. */
	public static final Duration REOPEN_INTERVAL = Duration.ofSeconds(1);

	/** The most characters of arguments a call may carry (a push call's most); a larger one goes the usual way. */
	public static final int MAX_CALL_CHARS = 4 * 1024 * 1024;

	/**
	 * Writes longer than this many bytes are watched: a server that does not read (stalled, paused, cut off) lets a
	 * write block once the sockets' buffers are full, and the socket's timeout bounds only reads, so a timer closes
	 * the socket at the call's deadline. A shorter write fits in an idle socket's send buffer (Linux starts every
	 * TCP socket with 16 KiB), so it is not watched: a timer per call would wake its thread every time.
	 */
	private static final int WATCHED_BYTES = 16 * 1024;

	/** An encode buffer grown past this is let go after its call. */
	private static final int KEPT_BUFFER_BYTES = 1024 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(DirectConnection.class);

	private final Supplier<RedisURI> target;

	private final int connectTimeoutMillis;

	private final Duration commandTimeout;

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicBoolean opening = new AtomicBoolean();

	/** Counts {@link #reset()}s: an open that began before one must not publish its socket. */
	private final AtomicLong generation = new AtomicLong();

	private volatile Wire wire;

	private volatile long nextOpen = System.nanoTime();

	private volatile boolean closed;

	/** Calls taken; written only by the thread holding {@link #lock}. */
	private volatile long calls;

	/** Closes sockets whose writes overran their deadline; made, under {@link #lock}, when a write first needs it. */
	private ScheduledThreadPoolExecutor watchdog;

	private DirectConnection(Supplier<RedisURI> target, Duration connectTimeout, Duration commandTimeout) {
		this.target = target;
		this.connectTimeoutMillis = (int) Math.min(Math.max(connectTimeout.toMillis(), 1), Integer.MAX_VALUE);
		this.commandTimeout = commandTimeout;
	}

	/**
	 * A direct connection to where {@code target} leads, or {@code null} when {@code uri} asks for what it does not
	 * do (TLS, a Unix socket, streaming credentials) or there is no command timeout.
	 * @param uri the URI the client was made with (for Sentinel: the Sentinels' URI)
	 * @param target the master's URI now, asked at every open
	 * @param connectTimeout the longest connect
	 * @param commandTimeout the longest wait for a reply
	 * @return the connection, not open yet, or {@code null}
	 */
	static DirectConnection forUri(RedisURI uri, Supplier<RedisURI> target, Duration connectTimeout,
			Duration commandTimeout) {
		RedisCredentialsProvider credentials = uri.getCredentialsProvider();
		if (uri.isSsl() || uri.getSocket() != null || (credentials != null && credentials.supportsStreaming())
				|| commandTimeout == null || commandTimeout.isZero() || commandTimeout.isNegative()) {
			return null;
		}
		return new DirectConnection(target, connectTimeout, commandTimeout);
	}

	/** The command timeout a client's options give an {@code EVALSHA}, in {@code unit}, or else the URI's. */
	static Duration commandTimeout(long timeout, TimeUnit unit, RedisURI uri) {
		return (timeout > 0) ? Duration.ofNanos(unit.toNanos(timeout)) : uri.getTimeout();
	}

	/**
	 * Make a call on the calling thread, if the connection is open and free now.
	 * @param command the command and its arguments
	 * @return {@code null} when the call was not taken (nothing was written); else the reply (a {@link String},
	 * {@link Long}, {@link List} or {@code null}), or a failure: Lettuce's exception for an error reply or a timeout,
	 * {@link Lost} when the connection failed with the call perhaps written or the server answered as a replica
	 */
	public CompletableFuture<Object> tryCall(String... command) {
		Wire current = this.wire;
		if (current == null) {
			openSoon();
			return null;
		}
		if (this.closed || chars(command) > MAX_CALL_CHARS || !this.lock.tryLock()) {
			return null;
		}
		try {
			if (this.wire != current) {
				return null;
			}
			this.calls++;
			return call(current, command);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Called with {@link #lock} held. */
	private CompletableFuture<Object> call(Wire current, String[] command) {
		long deadline = System.nanoTime() + this.commandTimeout.toNanos();
		AtomicBoolean expired = new AtomicBoolean();
		ScheduledFuture<?> watch = null;
		try {
			int length = current.encode(command);
			if (length > WATCHED_BYTES) {
				watch = watchdog().schedule(() -> {
					expired.set(true);
					closeQuietly(current.socket);
				}, this.commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			current.out.write(current.buffer, 0, length);
			current.out.flush();
			// what is left of the timeout, for the reply
			current.socket.setSoTimeout((int) Math.min(
					Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), Integer.MAX_VALUE));
		}
		catch (Throwable ex) {
			drop(current, ex);
			rethrowError(ex);
			return CompletableFuture.failedFuture(expired.get()
					? ExceptionFactory.createTimeoutException(this.commandTimeout) : new Lost(ex, true));
		}
		finally {
			if (watch != null) {
				watch.cancel(false);
			}
			current.shrink();
		}
		Object reply;
		try {
			reply = read(current.in);
		}
		catch (SocketTimeoutException ex) {
			drop(current, ex);
			return CompletableFuture.failedFuture(ExceptionFactory.createTimeoutException(this.commandTimeout));
		}
		catch (Throwable ex) {
			// an Error too: the connection is out of step with its replies, so it goes
			drop(current, ex);
			rethrowError(ex);
			return CompletableFuture.failedFuture(new Lost(ex, true));
		}
		String error = error(reply);
		if (error == null) {
			return CompletableFuture.completedFuture(reply);
		}
		if (RedisFailures.readOnly(error)) {
			// the server became a replica and ran nothing: the usual way answers, and its connector moves
			IOException readOnly = new IOException(error);
			drop(current, readOnly);
			return CompletableFuture.failedFuture(new Lost(readOnly, false));
		}
		return CompletableFuture.failedFuture(ExceptionFactory.createExecutionException(error));
	}

	private static void rethrowError(Throwable failure) {
		if (failure instanceof Error error) {
			throw error;
		}
	}

	/** Whether the connection is open now. */
	public boolean isOpen() {
		return this.wire != null;
	}

	/** How many calls it took so far. */
	long calls() {
		return this.calls;
	}

	/** The local port of the open connection, or -1. */
	int localPort() {
		Wire current = this.wire;
		return (current != null) ? current.socket.getLocalPort() : -1;
	}

	/**
	 * Close the connection, if open, and let the next call open it again at once: the master changed. A call in
	 * progress on another thread fails with {@link Lost}; an open in progress does not publish its socket.
	 */
	void reset() {
		this.generation.incrementAndGet();
		Wire current = this.wire;
		if (current != null) {
			this.wire = null;
			closeQuietly(current.socket);
		}
		this.nextOpen = System.nanoTime();
	}

	@Override
	public void close() {
		this.closed = true;
		reset();
		this.lock.lock();
		try {
			if (this.watchdog != null) {
				this.watchdog.shutdownNow();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void drop(Wire current, Throwable cause) {
		if (this.wire == current) {
			this.wire = null;
		}
		this.nextOpen = System.nanoTime() + REOPEN_INTERVAL.toNanos();
		closeQuietly(current.socket);
		logger.debug("Direct connection to Redis dropped ({}); calls go through Lettuce until it is open again",
				cause.toString());
	}

	private void openSoon() {
		if (this.closed || System.nanoTime() - this.nextOpen < 0 || !this.opening.compareAndSet(false, true)) {
			return;
		}
		try {
			Thread thread = new Thread(this::open, "async-queue-direct-connect");
			thread.setDaemon(true);
			thread.start();
		}
		catch (RuntimeException | Error ex) {
			this.opening.set(false);
			throw ex;
		}
	}

	private void open() {
		long openedIn = this.generation.get();
		Socket socket = new Socket();
		try {
			RedisURI uri = this.target.get();
			socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), this.connectTimeoutMillis);
			socket.setTcpNoDelay(true);
			socket.setKeepAlive(true);
			socket.setSoTimeout((int) Math.min(Math.max(this.commandTimeout.toMillis(), 1), Integer.MAX_VALUE));
			Wire opened = new Wire(socket, new ReplyReader(socket.getInputStream()), socket.getOutputStream());
			RedisCredentialsProvider provider = uri.getCredentialsProvider();
			RedisCredentials credentials = (provider != null) ? provider.resolveCredentials().block(this.commandTimeout)
					: null;
			if (credentials != null && credentials.hasPassword()) {
				String password = new String(credentials.getPassword());
				opened.handshake(credentials.hasUsername() ? new String[] { "AUTH", credentials.getUsername(), password }
						: new String[] { "AUTH", password });
			}
			if (uri.getDatabase() != 0) {
				opened.handshake("SELECT", Integer.toString(uri.getDatabase()));
			}
			if (uri.getClientName() != null) {
				opened.handshake("CLIENT", "SETNAME", uri.getClientName());
			}
			this.lock.lock();
			try {
				// a reset meanwhile (the master changed) or a close: this socket may lead to the old master
				if (this.closed || this.generation.get() != openedIn) {
					closeQuietly(socket);
					this.nextOpen = System.nanoTime();
					return;
				}
				this.wire = opened;
			}
			finally {
				this.lock.unlock();
			}
			// a reset that came between the check and the publication saw no socket to close
			if (this.generation.get() != openedIn) {
				if (this.wire == opened) {
					this.wire = null;
				}
				closeQuietly(socket);
			}
		}
		catch (Exception ex) {
			closeQuietly(socket);
			this.nextOpen = System.nanoTime() + REOPEN_INTERVAL.toNanos();
			logger.debug("Direct connection to Redis not opened ({}); calls go through Lettuce", ex.toString());
		}
		finally {
			this.opening.set(false);
		}
	}

	/** Called with {@link #lock} held. */
	private ScheduledThreadPoolExecutor watchdog() {
		if (this.watchdog == null) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "async-queue-direct-write-watch");
				thread.setDaemon(true);
				thread.setContextClassLoader(null);
				return thread;
			});
			executor.setRemoveOnCancelPolicy(true);
			executor.setKeepAliveTime(10, TimeUnit.SECONDS);
			executor.allowCoreThreadTimeOut(true);
			this.watchdog = executor;
		}
		return this.watchdog;
	}

	/** One RESP2 reply; an error reply is an {@link ErrorReply}, wherever it is. */
	private static Object read(ReplyReader in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("Connection closed by Redis");
		}
		switch (type) {
			case '+':
				return in.readLine();
			case '-':
				return new ErrorReply(in.readLine());
			case ':':
				return in.readNumber();
			case '$': {
				long length = in.readNumber();
				if (length < 0) {
					return null;
				}
				String text = in.readString(Math.toIntExact(length));
				if (in.read() != '\r' || in.read() != '\n') {
					throw new IOException("Unexpected reply from Redis: a bulk string without its CRLF");
				}
				return text;
			}
			case '*': {
				long count = in.readNumber();
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(Math.toIntExact(count));
				for (long i = 0; i < count; i++) {
					items.add(read(in));
				}
				return items;
			}
			default:
				throw new IOException("Unexpected reply from Redis, type byte " + type);
		}
	}

	/** The first error reply in {@code reply}, or {@code null}. */
	private static String error(Object reply) {
		if (reply instanceof ErrorReply error) {
			return error.message;
		}
		if (reply instanceof List<?> items) {
			for (Object item : items) {
				String error = error(item);
				if (error != null) {
					return error;
				}
			}
		}
		return null;
	}

	private static long chars(String[] command) {
		long chars = 0;
		for (String argument : command) {
			chars += argument.length();
		}
		return chars;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing: nothing left to do with it
		}
	}

	/** An open socket, its streams and the buffer its commands are encoded in. */
	private static final class Wire {

		private final Socket socket;

		private final ReplyReader in;

		private final OutputStream out;

		/** Used by one thread at a time: the opener, then callers holding the lock. */
		private byte[] buffer = new byte[4096];

		Wire(Socket socket, ReplyReader in, OutputStream out) {
			this.socket = socket;
			this.in = in;
			this.out = out;
		}

		/** A command of the connection's set-up (AUTH, SELECT, CLIENT SETNAME), before the wire is published. */
		void handshake(String... command) throws IOException {
			int length = encode(command);
			this.out.write(this.buffer, 0, length);
			this.out.flush();
			String error = error(read(this.in));
			if (error != null) {
				throw new IOException(command[0] + " refused: " + error);
			}
		}

		/** Encode {@code command} as a RESP array of bulk strings into {@link #buffer}; returns its length. */
		int encode(String[] command) {
			int length = header('*', command.length, 0);
			for (String argument : command) {
				int chars = argument.length();
				if (isAscii(argument, chars)) {
					length = header('$', chars, length);
					ensure(length, chars + 2);
					for (int i = 0; i < chars; i++) {
						this.buffer[length++] = (byte) argument.charAt(i);
					}
				}
				else {
					byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
					length = header('$', bytes.length, length);
					ensure(length, bytes.length + 2);
					System.arraycopy(bytes, 0, this.buffer, length, bytes.length);
					length += bytes.length;
				}
				this.buffer[length++] = '\r';
				this.buffer[length++] = '\n';
			}
			return length;
		}

		private static boolean isAscii(String text, int chars) {
			for (int i = 0; i < chars; i++) {
				if (text.charAt(i) >= 0x80) {
					return false;
				}
			}
			return true;
		}

		void shrink() {
			if (this.buffer.length > KEPT_BUFFER_BYTES) {
				this.buffer = new byte[4096];
			}
		}

		private int header(char type, int count, int length) {
			ensure(length, 14);
			this.buffer[length++] = (byte) type;
			int digits = 1;
			for (int rest = count / 10; rest > 0; rest /= 10) {
				digits++;
			}
			int end = length + digits;
			int value = count;
			for (int at = end - 1; at >= length; at--) {
				this.buffer[at] = (byte) ('0' + value % 10);
				value /= 10;
			}
			this.buffer[end] = '\r';
			this.buffer[end + 1] = '\n';
			return end + 2;
		}

		private void ensure(int length, int more) {
			if (length + more > this.buffer.length) {
				this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, length + more));
			}
		}

	}

	/**
	 * Replies, read through a buffer of its own: {@link java.io.BufferedInputStream} takes a lock per byte, and a reply
	 * to a batch of a thousand pushes is some twenty thousand bytes read one by one.
	 */
	private static final class ReplyReader {

		private final InputStream in;

		private final byte[] buffer = new byte[16 * 1024];

		private int position;

		private int limit;

		ReplyReader(InputStream in) {
			this.in = in;
		}

		int read() throws IOException {
			if (this.position == this.limit && !fill()) {
				return -1;
			}
			return this.buffer[this.position++] & 0xFF;
		}

		/** A line's text, up to its CRLF. */
		String readLine() throws IOException {
			byte[] line = new byte[64];
			int length = 0;
			int c;
			while ((c = next()) != '\r') {
				if (length == line.length) {
					line = Arrays.copyOf(line, length * 2);
				}
				line[length++] = (byte) c;
			}
			lineFeed();
			// an error's text may quote a key or an argument: UTF-8, as Lettuce reads it
			return new String(line, 0, length, StandardCharsets.UTF_8);
		}

		/** A line holding a whole number, up to its CRLF. */
		long readNumber() throws IOException {
			int c = next();
			boolean negative = c == '-';
			if (negative) {
				c = next();
			}
			long value = 0;
			int digits = 0;
			while (c != '\r') {
				int digit = c - '0';
				if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
					throw new IOException("Unexpected reply from Redis: not a number");
				}
				value = value * 10 + digit;
				digits++;
				c = next();
			}
			if (digits == 0) {
				throw new IOException("Unexpected reply from Redis: an empty number");
			}
			lineFeed();
			return negative ? -value : value;
		}

		String readString(int length) throws IOException {
			if (this.limit - this.position >= length) {
				String text = new String(this.buffer, this.position, length, StandardCharsets.UTF_8);
				this.position += length;
				return text;
			}
			byte[] bytes = new byte[length];
			int done = 0;
			while (done < length) {
				if (this.position == this.limit && !fill()) {
					throw new EOFException("Connection closed by Redis in the middle of a reply");
				}
				int count = Math.min(length - done, this.limit - this.position);
				System.arraycopy(this.buffer, this.position, bytes, done, count);
				this.position += count;
				done += count;
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}

		private int next() throws IOException {
			int c = read();
			if (c < 0) {
				throw new EOFException("Connection closed by Redis in the middle of a reply");
			}
			return c;
		}

		private void lineFeed() throws IOException {
			if (next() != '\n') {
				throw new IOException("Unexpected reply from Redis: a line without its LF");
			}
		}

		private boolean fill() throws IOException {
			int read = this.in.read(this.buffer, 0, this.buffer.length);
			if (read <= 0) {
				return false;
			}
			this.position = 0;
			this.limit = read;
			return true;
		}

	}

	private record ErrorReply(String message) {
	}

	/**
	 * The call did not get its answer on this connection: the connection failed once the call was (perhaps)
	 * written, so Redis may have run it, or the server answered {@code READONLY} (it became a replica) and ran
	 * nothing. An idempotent call is replayed the usual way; the usual way's failures are what callers are
	 * promised.
	 */
	public static final class Lost extends IOException {

		private static final long serialVersionUID = 1L;

		private final boolean mayHaveRun;

		Lost(Throwable cause, boolean mayHaveRun) {
			super(mayHaveRun ? "Direct connection to Redis lost with the call written: " + cause
					: "Direct call refused: " + cause, cause);
			this.mayHaveRun = mayHaveRun;
		}

		/** Whether Redis may have run the call; when not, a replay refused unsent means it never ran. */
		public boolean mayHaveRun() {
			return this.mayHaveRun;
		}

	}

}
