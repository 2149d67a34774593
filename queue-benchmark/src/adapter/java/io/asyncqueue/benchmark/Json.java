package io.asyncqueue.benchmark;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/** A tiny JSON writer for the protocol lines (flat maps of numbers and strings, nested maps and lists). */
public final class Json {

	private Json() {
	}

	public static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(out, value);
		return out.toString();
	}

	private static void write(StringBuilder out, Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				out.append("null");
			}
			else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
				out.append((long) d);
			}
			else {
				out.append(d);
			}
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
			while (it.hasNext()) {
				Map.Entry<?, ?> entry = it.next();
				string(out, String.valueOf(entry.getKey()));
				out.append(':');
				write(out, entry.getValue());
				if (it.hasNext()) {
					out.append(',');
				}
			}
			out.append('}');
		}
		else if (value instanceof Collection<?> list) {
			out.append('[');
			Iterator<?> it = list.iterator();
			while (it.hasNext()) {
				write(out, it.next());
				if (it.hasNext()) {
					out.append(',');
				}
			}
			out.append(']');
		}
		else {
			string(out, value.toString());
		}
	}

	private static void string(StringBuilder out, String s) {
		out.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
