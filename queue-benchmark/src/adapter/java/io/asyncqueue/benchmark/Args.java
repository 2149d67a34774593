package io.asyncqueue.benchmark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adapters' command line: {@code <scenario> key=value ...}. The same convention is used by the
 * BullMQ and Rqueue adapters (see the README's "Adapter protocol").
 */
public final class Args {

	private final String scenario;

	private final Map<String, String> values;

	private Args(String scenario, Map<String, String> values) {
		this.scenario = scenario;
		this.values = values;
	}

	public static Args parse(String[] argv) {
		if (argv.length == 0) {
			throw new IllegalArgumentException("usage: <scenario> key=value ...");
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 1; i < argv.length; i++) {
			int eq = argv[i].indexOf('=');
			if (eq <= 0) {
				throw new IllegalArgumentException("expected key=value, got '" + argv[i] + "'");
			}
			values.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
		}
		return new Args(argv[0], values);
	}

	public String scenario() {
		return this.scenario;
	}

	public String string(String key, String fallback) {
		return this.values.getOrDefault(key, fallback);
	}

	public int integer(String key, int fallback) {
		String value = this.values.get(key);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	public double decimal(String key, double fallback) {
		String value = this.values.get(key);
		return (value != null) ? Double.parseDouble(value) : fallback;
	}

	/** Every key=value given, in order. */
	public Map<String, String> values() {
		return java.util.Collections.unmodifiableMap(this.values);
	}

	public int port() {
		String value = this.values.get("port");
		if (value == null) {
			throw new IllegalArgumentException("port=... is required");
		}
		return Integer.parseInt(value);
	}

}
